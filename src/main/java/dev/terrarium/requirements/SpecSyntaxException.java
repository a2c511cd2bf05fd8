package dev.terrarium.requirements;

/**
 * A specification string that does not parse, or that Terrarium refuses on purpose although the
 * grammar would allow it ({@link #deliberate()}). The column is 1-based and points into the string
 * that was parsed.
 */
public final class SpecSyntaxException extends IllegalArgumentException {

    private final String reason;
    private final int column;
    private final boolean deliberate;

    public SpecSyntaxException(String reason, int column) {
        this(reason, column, false);
    }

    private SpecSyntaxException(String reason, int column, boolean deliberate) {
        super(reason + " at column " + column);
        this.reason = reason;
        this.column = column;
        this.deliberate = deliberate;
    }

    /** A refusal of text that the grammar allows but that Terrarium does not accept, for safety. */
    public static SpecSyntaxException deliberate(String reason, int column) {
        return new SpecSyntaxException(reason, column, true);
    }

    /** What is wrong, without the position. */
    public String reason() {
        return reason;
    }

    /** 1-based column of the offending character. */
    public int column() {
        return column;
    }

    /**
     * True when the text is refused by Terrarium's own, stricter rules rather than by the grammar.
     */
    public boolean deliberate() {
        return deliberate;
    }
}
