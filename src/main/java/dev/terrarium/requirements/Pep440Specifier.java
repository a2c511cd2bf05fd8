package dev.terrarium.requirements;

/**
 * One PEP 440 version specifier of a requirement, with its version normalised ({@code >= 1.0-ALPHA}
 * becomes {@code >=1.0a0}); the version of {@code ===} is kept as written.
 *
 * @param operator one of {@code ~= == != <= >= < > ===}
 * @param version the normalised version, possibly ending in {@code .*} for {@code ==} and {@code
 *     !=}
 */
public record Pep440Specifier(String operator, String version) {

    public String canonical() {
        return operator + version;
    }

    @Override
    public String toString() {
        return canonical();
    }
}
