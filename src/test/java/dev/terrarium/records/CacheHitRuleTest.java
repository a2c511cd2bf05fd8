package dev.terrarium.records;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildPhase;
import dev.terrarium.api.ImageBuildSpec;
import dev.terrarium.api.ImageBuildStatus;
import dev.terrarium.signing.Verification;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class CacheHitRuleTest {

    private static final String REPOSITORY = "registry.example:5000/terrarium/environments";
    private static final String HASH = "a".repeat(64);
    private static final String TARGET = REPOSITORY + ":" + HASH;
    private static final String BUILT = "sha256:" + "1".repeat(64);
    private static final String FORGED = "sha256:" + "2".repeat(64);
    private static final ImageRecord RECORD = new ImageRecord(REPOSITORY, HASH, BUILT);

    private final AtomicInteger signatureChecks = new AtomicInteger();

    private Function<String, Verification> signatures(Verification answer) {
        return digest -> {
            signatureChecks.incrementAndGet();
            return answer;
        };
    }

    private static final Verification UNSIGNED =
            new Verification.Rejected(
                    Verification.Reason.NO_SIGNATURE, "no signature manifest x for y");

    @Test
    void nothingUnderTheTagIsBuilt() {
        assertThat(
                        CacheHitRule.decide(
                                TARGET,
                                Optional.empty(),
                                Optional.of(RECORD),
                                signatures(UNSIGNED)))
                .isInstanceOf(CacheHitRule.Absent.class);
        assertThat(signatureChecks).hasValue(0);
    }

    @Test
    void theDigestTheRecordNamesIsTakenWithoutLookingAtSignatures() {
        CacheHitRule.Decision decision =
                CacheHitRule.decide(
                        TARGET, Optional.of(BUILT), Optional.of(RECORD), signatures(UNSIGNED));

        assertThat(decision)
                .isEqualTo(
                        new CacheHitRule.Hit(
                                BUILT,
                                true,
                                "the operator's record of its build names this digest"));
        assertThat(signatureChecks).hasValue(0);
    }

    @Test
    void anotherDigestUnderTheTagIsBuiltAgainWithTheReasonWhenUnsigned() {
        CacheHitRule.Decision decision =
                CacheHitRule.decide(
                        TARGET, Optional.of(FORGED), Optional.of(RECORD), signatures(UNSIGNED));

        assertThat(decision).isInstanceOf(CacheHitRule.Rebuild.class);
        CacheHitRule.Rebuild rebuild = (CacheHitRule.Rebuild) decision;
        assertThat(rebuild.digest()).isEqualTo(FORGED);
        assertThat(rebuild.message())
                .contains(TARGET + " points at " + FORGED)
                .contains("the operator's record for this hash names " + BUILT)
                .contains("there is no signature by the operator's keys")
                .endsWith("Building it again.");
    }

    @Test
    void withoutARecordAnImageSignedForTheHashIsTaken() {
        CacheHitRule.Decision decision =
                CacheHitRule.decide(
                        TARGET,
                        Optional.of(FORGED),
                        Optional.empty(),
                        signatures(new Verification.Verified("k1")));

        assertThat(decision).isInstanceOf(CacheHitRule.Hit.class);
        CacheHitRule.Hit hit = (CacheHitRule.Hit) decision;
        assertThat(hit.digest()).isEqualTo(FORGED);
        assertThat(hit.byRecord()).as("to be recorded").isFalse();
        assertThat(hit.basis()).contains("k1");
    }

    @Test
    void aSignatureForAnotherHashDoesNotMakeAHit() {
        CacheHitRule.Decision decision =
                CacheHitRule.decide(
                        TARGET,
                        Optional.of(FORGED),
                        Optional.empty(),
                        signatures(
                                new Verification.Rejected(
                                        Verification.Reason.SPEC_HASH_MISMATCH,
                                        "signed for spec hash b")));

        assertThat(decision).isInstanceOf(CacheHitRule.Rebuild.class);
        assertThat(((CacheHitRule.Rebuild) decision).message())
                .contains("no record of the operator names it")
                .contains("SPEC_HASH_MISMATCH: signed for spec hash b");
    }

    @Test
    void anEqualSucceededBuildLendsItsImageOnlyWhenTheRecordNamesItsDigest() {
        ImageBuild self = build("tenant-b", "copy", null, null);
        ImageBuild recorded = build("tenant-a", "original", ImageBuildPhase.Succeeded, BUILT);
        ImageBuild forgedStatus = build("tenant-c", "forged", ImageBuildPhase.Succeeded, FORGED);
        ImageBuild running = build("tenant-d", "running", ImageBuildPhase.Running, null);
        List<ImageBuild> all = List.of(self, recorded, forgedStatus, running);

        assertThat(CacheHitRule.isSource(self, recorded)).isTrue();
        assertThat(CacheHitRule.isSource(self, self)).isFalse();
        assertThat(CacheHitRule.isSource(self, running)).isFalse();
        assertThat(CacheHitRule.withoutUnrecordedSources(self, all, Optional.of(RECORD)))
                .containsExactly(self, recorded, running);
        assertThat(CacheHitRule.withoutUnrecordedSources(self, all, Optional.empty()))
                .containsExactly(self, running);
    }

    private static ImageBuild build(
            String namespace, String name, ImageBuildPhase phase, String digest) {
        ImageBuild build = new ImageBuild();
        build.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        ImageBuildSpec spec = new ImageBuildSpec();
        spec.setRepository(REPOSITORY);
        spec.setSpecHash(HASH);
        build.setSpec(spec);
        if (phase != null) {
            ImageBuildStatus status = new ImageBuildStatus();
            status.setPhase(phase);
            status.setDigest(digest);
            build.setStatus(status);
        }
        return build;
    }
}
