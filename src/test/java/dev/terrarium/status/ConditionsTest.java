package dev.terrarium.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.Condition;
import dev.terrarium.status.Conditions.Health;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.400Z");
    private static final Instant T1 = Instant.parse("2026-03-01T10:05:00Z");

    private static Condition previous(String type, String status, String lastTransitionTime) {
        return new Condition(type, status, "Before", "Before.", 1L, lastTransitionTime);
    }

    @Test
    void anUnchangedStatusKeepsItsTransitionTimeEvenWhenReasonAndMessageChange() {
        List<Condition> merged =
                Conditions.merge(
                        List.of(previous(Condition.READY, Condition.FALSE, "2026-02-01T00:00:00Z")),
                        List.of(Conditions.of(Condition.READY, false, "After", "After.", 2L)),
                        T1);

        assertThat(merged)
                .containsExactly(
                        new Condition(
                                Condition.READY,
                                Condition.FALSE,
                                "After",
                                "After.",
                                2L,
                                "2026-02-01T00:00:00Z"));
    }

    @Test
    void aFlippedStatusGetsANewTransitionTime() {
        List<Condition> merged =
                Conditions.merge(
                        List.of(previous(Condition.READY, Condition.FALSE, "2026-02-01T00:00:00Z")),
                        List.of(Conditions.of(Condition.READY, true, "Running", "Up.", 2L)),
                        T1);

        assertThat(merged.get(0).getLastTransitionTime()).isEqualTo("2026-03-01T10:05:00Z");
    }

    @Test
    void aNewConditionIsStampedWithNowInWholeSeconds() {
        List<Condition> merged =
                Conditions.merge(
                        null,
                        List.of(
                                Conditions.of(
                                        Condition.STALLED,
                                        false,
                                        "Progressing",
                                        "Not stalled.",
                                        1L)),
                        T0);

        assertThat(merged.get(0).getLastTransitionTime()).isEqualTo("2026-03-01T10:00:00Z");
    }

    @Test
    void aPreviousConditionWithoutTransitionTimeIsStampedWithNow() {
        List<Condition> merged =
                Conditions.merge(
                        List.of(previous(Condition.READY, Condition.TRUE, null)),
                        List.of(Conditions.of(Condition.READY, true, "Running", "Up.", 1L)),
                        T1);

        assertThat(merged.get(0).getLastTransitionTime()).isEqualTo("2026-03-01T10:05:00Z");
    }

    @Test
    void mergeMatchesConditionsByTypeAndDropsTheOnesNoLongerWanted() {
        List<Condition> merged =
                Conditions.merge(
                        List.of(
                                previous("Obsolete", Condition.TRUE, "2026-01-01T00:00:00Z"),
                                previous(
                                        Condition.STALLED, Condition.FALSE, "2026-02-01T00:00:00Z"),
                                previous(Condition.READY, Condition.TRUE, "2026-02-02T00:00:00Z")),
                        Conditions.kstatus(3, Health.READY, "Running", "Up."),
                        T1);

        assertThat(merged)
                .extracting(Condition::getType)
                .containsExactly(Condition.READY, Condition.RECONCILING, Condition.STALLED);
        assertThat(merged)
                .extracting(Condition::getLastTransitionTime)
                .containsExactly(
                        "2026-02-02T00:00:00Z", "2026-03-01T10:05:00Z", "2026-02-01T00:00:00Z");
    }

    @Test
    void mergingTheSameConditionsAgainChangesNothing() {
        List<Condition> first =
                Conditions.merge(
                        null,
                        Conditions.kstatus(1, Health.RECONCILING, "Building", "Build runs."),
                        T0);

        assertThat(
                        Conditions.merge(
                                first,
                                Conditions.kstatus(
                                        1, Health.RECONCILING, "Building", "Build runs."),
                                T1))
                .isEqualTo(first);
    }

    @Test
    void aReadyObjectIsNeitherReconcilingNorStalled() {
        List<Condition> conditions = Conditions.kstatus(4, Health.READY, "Running", "Up.");

        assertThat(conditions)
                .containsExactly(
                        Conditions.of(Condition.READY, true, "Running", "Up.", 4L),
                        Conditions.of(
                                Condition.RECONCILING, false, "Idle", "Nothing in progress.", 4L),
                        Conditions.of(Condition.STALLED, false, "Progressing", "Not stalled.", 4L));
    }

    @Test
    void aReconcilingObjectIsNotReadyAndNotStalled() {
        List<Condition> conditions =
                Conditions.kstatus(4, Health.RECONCILING, "Building", "Build runs.");

        assertThat(conditions)
                .containsExactly(
                        Conditions.of(Condition.READY, false, "Building", "Build runs.", 4L),
                        Conditions.of(Condition.RECONCILING, true, "Building", "Build runs.", 4L),
                        Conditions.of(Condition.STALLED, false, "Progressing", "Not stalled.", 4L));
    }

    @Test
    void aStalledObjectIsNotReadyAndNotReconciling() {
        List<Condition> conditions =
                Conditions.kstatus(4, Health.STALLED, "BuildFailed", "It failed.");

        assertThat(conditions)
                .containsExactly(
                        Conditions.of(Condition.READY, false, "BuildFailed", "It failed.", 4L),
                        Conditions.of(
                                Condition.RECONCILING, false, "Idle", "Nothing in progress.", 4L),
                        Conditions.of(Condition.STALLED, true, "BuildFailed", "It failed.", 4L));
    }

    @Test
    void isTrueReadsOnlyATrueConditionOfThatType() {
        List<Condition> conditions =
                Conditions.kstatus(1, Health.STALLED, "BuildFailed", "It failed.");

        assertThat(Conditions.isTrue(conditions, Condition.STALLED)).isTrue();
        assertThat(Conditions.isTrue(conditions, Condition.READY)).isFalse();
        assertThat(Conditions.isTrue(conditions, "Missing")).isFalse();
        assertThat(Conditions.isTrue(null, Condition.READY)).isFalse();
    }
}
