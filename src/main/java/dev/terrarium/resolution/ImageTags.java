package dev.terrarium.resolution;

import dev.terrarium.api.Environment;
import dev.terrarium.api.TagStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which of an Environment's tags must move to the image of its current spec, and what its status
 * says of them. Status is the record of what the registry held when last asked, so a tag that
 * status shows at the digest costs no registry request: at rest nothing is asked or written. Pure.
 */
public final class ImageTags {

    /** A tag to point at {@code to}; {@code from} is where it pointed, null for a new tag. */
    public record Move(String tag, String from, String to) {}

    private ImageTags() {}

    /** spec.output.tags, empty when there are none. */
    public static List<String> wanted(Environment environment) {
        if (environment.getSpec() == null
                || environment.getSpec().getOutput() == null
                || environment.getSpec().getOutput().getTags() == null) {
            return List.of();
        }
        return environment.getSpec().getOutput().getTags();
    }

    /**
     * The tags to look up in the registry: those wanted that status does not already show at
     * repository@digest.
     */
    public static List<String> toCheck(
            List<String> wanted, String repository, String digest, List<TagStatus> recorded) {
        return wanted.stream()
                .filter(tag -> !recordedAt(tag, repository, digest, recorded))
                .toList();
    }

    /**
     * Of the tags looked up, those the registry does not have at the digest.
     *
     * @param inRegistry each tag the registry has, with the digest it points at; a tag it lacks is
     *     absent
     */
    public static List<Move> moves(
            List<String> checked, String digest, Map<String, String> inRegistry) {
        List<Move> moves = new ArrayList<>();
        for (String tag : checked) {
            String from = inRegistry.get(tag);
            if (!digest.equals(from)) {
                moves.add(new Move(tag, from, digest));
            }
        }
        return moves;
    }

    /**
     * status.tags: each wanted tag, in spec order, at the digest when it is among {@code atDigest},
     * else where status last saw it in this repository; a tag never seen there is left out.
     *
     * @param digest the current spec's image, or empty while it has none
     */
    public static List<TagStatus> status(
            List<String> wanted,
            String repository,
            Optional<String> digest,
            Set<String> atDigest,
            List<TagStatus> recorded) {
        List<TagStatus> status = new ArrayList<>();
        for (String tag : wanted) {
            String image = repository + ":" + tag;
            if (digest.isPresent() && atDigest.contains(tag)) {
                status.add(new TagStatus(tag, image, digest.get()));
                continue;
            }
            find(tag, recorded)
                    .filter(r -> image.equals(r.getImage()))
                    .ifPresent(r -> status.add(new TagStatus(tag, image, r.getDigest())));
        }
        return status.isEmpty() ? null : status;
    }

    private static boolean recordedAt(
            String tag, String repository, String digest, List<TagStatus> recorded) {
        return find(tag, recorded)
                .filter(r -> (repository + ":" + tag).equals(r.getImage()))
                .filter(r -> digest.equals(r.getDigest()))
                .isPresent();
    }

    private static Optional<TagStatus> find(String tag, List<TagStatus> recorded) {
        if (recorded == null) {
            return Optional.empty();
        }
        return recorded.stream().filter(r -> tag.equals(r.getName())).findFirst();
    }
}
