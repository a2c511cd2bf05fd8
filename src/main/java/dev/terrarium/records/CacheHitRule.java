package dev.terrarium.records;

import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildPhase;
import dev.terrarium.signing.Verification;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * When an image found in the registry under {@code <repository>:<spec hash>} may be taken instead
 * of building: a tag is only a name anyone with push access can move, so it counts only when the
 * operator's own {@link ImageRecord} names the digest it points at, or else when a signature by one
 * of the operator's published keys binds that digest, in that repository, to that spec hash.
 * Anything else is built again. Pure: the caller reads the tag, the record and the signatures.
 */
public final class CacheHitRule {

    /** The reason of the Warning event when an image is found and not taken. */
    public static final String UNVERIFIED = "UnverifiedImage";

    private CacheHitRule() {}

    /** What to do with the registry's answer. */
    public sealed interface Decision {}

    /** Nothing under the tag: build. */
    public record Absent() implements Decision {}

    /**
     * Take the image.
     *
     * @param digest the digest the tag points at
     * @param byRecord whether the operator's record vouches for it (else a signature does, and a
     *     record should be written)
     * @param basis how it was verified, for the status message
     */
    public record Hit(String digest, boolean byRecord, String basis) implements Decision {}

    /**
     * An image is there, but nothing the operator wrote vouches for it: build again.
     *
     * @param digest the digest the tag points at
     * @param message why it is not taken, for a Warning event
     */
    public record Rebuild(String digest, String message) implements Decision {}

    /**
     * Decides about {@code target}.
     *
     * @param tagDigest the digest the registry serves for the tag, if any
     * @param record the operator's record for the repository and spec hash, if any
     * @param signatures checks the signatures of a digest; only called when the record does not
     *     decide
     */
    public static Decision decide(
            String target,
            Optional<String> tagDigest,
            Optional<ImageRecord> record,
            Function<String, Verification> signatures) {
        if (tagDigest.isEmpty()) {
            return new Absent();
        }
        String digest = tagDigest.get();
        if (record.isPresent() && record.get().digest().equals(digest)) {
            return new Hit(digest, true, "the operator's record of its build names this digest");
        }
        Verification verification = signatures.apply(digest);
        if (verification instanceof Verification.Verified verified) {
            return new Hit(
                    digest,
                    false,
                    "signed for this spec hash by the operator's key " + verified.keyId());
        }
        String recordPart =
                record.map(r -> "the operator's record for this hash names " + r.digest())
                        .orElse("no record of the operator names it");
        String signaturePart =
                verification instanceof Verification.Rejected rejected
                        ? rejected.reason() == Verification.Reason.NO_SIGNATURE
                                ? "there is no signature by the operator's keys ("
                                        + rejected.message()
                                        + ")"
                                : "no signature by the operator's keys binds it to this hash ("
                                        + rejected.reason()
                                        + ": "
                                        + rejected.message()
                                        + ")"
                        : "it carries no signature";
        return new Rebuild(
                digest,
                target
                        + " points at "
                        + digest
                        + ", which is not taken: "
                        + recordPart
                        + ", and "
                        + signaturePart
                        + ". Building it again.");
    }

    /** Whether {@code candidate} is an equal build, other than {@code self}, that succeeded. */
    public static boolean isSource(ImageBuild self, ImageBuild candidate) {
        return candidate.getStatus() != null
                && candidate.getStatus().getPhase() == ImageBuildPhase.Succeeded
                && candidate.getSpec().target().equals(self.getSpec().target())
                && !(candidate
                                .getMetadata()
                                .getNamespace()
                                .equals(self.getMetadata().getNamespace())
                        && candidate.getMetadata().getName().equals(self.getMetadata().getName()));
    }

    /**
     * {@code all} without the equal builds that succeeded with a digest the operator's record does
     * not name: they are never taken as sources.
     */
    public static List<ImageBuild> withoutUnrecordedSources(
            ImageBuild self, List<ImageBuild> all, Optional<ImageRecord> record) {
        return all.stream().filter(b -> !isSource(self, b) || reusable(b, record)).toList();
    }

    /**
     * Whether an equal build that succeeded (in any namespace) may lend its image: only when the
     * operator's record for its repository and hash names the digest in its status, so that a
     * status written by anyone else is never taken.
     */
    public static boolean reusable(ImageBuild source, Optional<ImageRecord> record) {
        return source.getStatus() != null
                && source.getStatus().getDigest() != null
                && record.isPresent()
                && record.get().repository().equals(source.getSpec().getRepository())
                && record.get().specHash().equals(source.getSpec().getSpecHash())
                && record.get().digest().equals(source.getStatus().getDigest());
    }
}
