package dev.terrarium.resolution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentOutput;
import dev.terrarium.api.EnvironmentSpec;
import dev.terrarium.api.TagStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ImageTagsTest {

    private static final String REPO = "registry.example/team/app";
    private static final String NEW = "sha256:" + "a".repeat(64);
    private static final String OLD = "sha256:" + "b".repeat(64);

    private static TagStatus recorded(String tag, String digest) {
        return new TagStatus(tag, REPO + ":" + tag, digest);
    }

    @Test
    void anEnvironmentWithoutTagsWantsNone() {
        Environment environment = new Environment();
        environment.setSpec(new EnvironmentSpec());
        assertThat(ImageTags.wanted(environment)).isEmpty();
        environment.getSpec().setOutput(new EnvironmentOutput());
        assertThat(ImageTags.wanted(environment)).isEmpty();
        environment.getSpec().getOutput().setTags(List.of("v1.2", "latest"));
        assertThat(ImageTags.wanted(environment)).containsExactly("v1.2", "latest");
    }

    @Test
    void tagsThatStatusShowsAtTheDigestAreNotLookedUpSoAnEnvironmentAtRestAsksNothing() {
        List<TagStatus> atRest = List.of(recorded("v1.2", NEW), recorded("latest", NEW));
        assertThat(ImageTags.toCheck(List.of("v1.2", "latest"), REPO, NEW, atRest)).isEmpty();
    }

    @Test
    void tagsRecordedElsewhereOrNeverAreLookedUp() {
        List<TagStatus> before = List.of(recorded("latest", OLD));
        assertThat(ImageTags.toCheck(List.of("v1.3", "latest"), REPO, NEW, before))
                .containsExactly("v1.3", "latest");
        assertThat(ImageTags.toCheck(List.of("latest"), REPO, NEW, null)).containsExactly("latest");
    }

    @Test
    void aTagRecordedInAnotherRepositoryIsLookedUpAgain() {
        List<TagStatus> otherRepository =
                List.of(new TagStatus("latest", "registry.example/old/app:latest", NEW));
        assertThat(ImageTags.toCheck(List.of("latest"), REPO, NEW, otherRepository))
                .containsExactly("latest");
    }

    @Test
    void onlyTagsMissingOrPointingElsewhereMove() {
        List<ImageTags.Move> moves =
                ImageTags.moves(
                        List.of("v1.3", "latest", "stable"),
                        NEW,
                        Map.of("latest", OLD, "stable", NEW));
        assertThat(moves)
                .containsExactly(
                        new ImageTags.Move("v1.3", null, NEW),
                        new ImageTags.Move("latest", OLD, NEW));
    }

    @Test
    void tagsAlreadyAtTheDigestDoNotMove() {
        assertThat(ImageTags.moves(List.of("latest"), NEW, Map.of("latest", NEW))).isEmpty();
    }

    @Test
    void statusListsTheTagsAtTheDigestAndKeepsWhereTheOthersWere() {
        List<TagStatus> status =
                ImageTags.status(
                        List.of("v1.3", "latest", "unseen"),
                        REPO,
                        Optional.of(NEW),
                        Set.of("v1.3"),
                        List.of(recorded("latest", OLD)));
        assertThat(status)
                .extracting(TagStatus::getName, TagStatus::getImage, TagStatus::getDigest)
                .containsExactly(
                        tuple("v1.3", REPO + ":v1.3", NEW), tuple("latest", REPO + ":latest", OLD));
    }

    @Test
    void withoutAnImageOfTheCurrentSpecTagsStayWhereTheyWereAndDroppedOnesLeaveStatus() {
        List<TagStatus> status =
                ImageTags.status(
                        List.of("latest"),
                        REPO,
                        Optional.empty(),
                        Set.of("latest"),
                        List.of(recorded("latest", OLD), recorded("v1.0", OLD)));
        assertThat(status)
                .singleElement()
                .satisfies(
                        t -> {
                            assertThat(t.getName()).isEqualTo("latest");
                            assertThat(t.getDigest()).isEqualTo(OLD);
                        });
    }

    @Test
    void noTagSeenMeansNoStatusField() {
        assertThat(ImageTags.status(List.of("latest"), REPO, Optional.empty(), Set.of(), null))
                .isNull();
    }
}
