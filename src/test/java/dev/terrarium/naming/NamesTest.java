package dev.terrarium.naming;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NamesTest {

    private static final String HASH = "0123456789abcdef".repeat(4);
    private static final String OTHER_HASH = "fedcba9876543210".repeat(4);
    private static final String DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    private static final String LONGEST = "e".repeat(253);

    @Test
    void aShortEnvironmentKeepsItsNameAndGetsTheHashPrefix() {
        assertThat(Names.imageBuild("ds", HASH, null)).isEqualTo("ds-0123456789");
    }

    @Test
    void anImageBuildNameStaysWithin52CharactersForTheLongestEnvironmentName() {
        assertThat(Names.imageBuild(LONGEST, HASH, null)).hasSize(52).endsWith("-0123456789");
        assertThat(Names.imageBuild(LONGEST, HASH, "2026-03-01")).hasSize(52);
    }

    @Test
    void aCutAtADashOrDotLeavesAValidNameWithoutDoubleSeparators() {
        String dashAtCut = "a".repeat(40) + "-" + "b".repeat(212);
        String dotAtCut = "a".repeat(40) + "." + "b".repeat(212);
        String dashesAtCut = "a".repeat(38) + "---" + "b".repeat(212);

        for (String environment : new String[] {dashAtCut, dotAtCut, dashesAtCut}) {
            for (String token : new String[] {null, "again"}) {
                String name = Names.imageBuild(environment, HASH, token);
                assertThat(name).hasSizeLessThanOrEqualTo(52).matches(DNS_SUBDOMAIN).doesNotContain("--")
                        .doesNotContain(".-").doesNotEndWith("-");
            }
        }
    }

    @Test
    void aRebuildSuffixIsAddedOnlyWhenATokenIsGiven() {
        String plain = Names.imageBuild("ds", HASH, null);

        assertThat(Names.imageBuild("ds", HASH, "")).isEqualTo(plain);
        assertThat(Names.imageBuild("ds", HASH, "2026-03-01")).matches("ds-0123456789-[0-9a-f]{5}");
        assertThat(Names.imageBuild("ds", HASH, "2026-03-01")).isNotEqualTo(Names.imageBuild("ds", HASH,
                "2026-03-02"));
    }

    @Test
    void imageBuildNamesAreDeterministicAndFollowTheHash() {
        assertThat(Names.imageBuild(LONGEST, HASH, "t")).isEqualTo(Names.imageBuild(LONGEST, HASH, "t"));
        assertThat(Names.imageBuild("ds", HASH, null)).isNotEqualTo(Names.imageBuild("ds", OTHER_HASH, null));
    }

    @Test
    void aWorkloadJobNameStaysWithin52CharactersAndIsValid() {
        assertThat(Names.workloadJob("batch", HASH)).isEqualTo("batch-01234567");
        assertThat(Names.workloadJob("w".repeat(253), HASH)).hasSize(52).endsWith("-01234567");
        assertThat(Names.workloadJob("a".repeat(42) + "-" + "b".repeat(100), HASH)).matches(DNS_SUBDOMAIN)
                .doesNotContain("--");
    }

    @Test
    void workloadJobNamesAreDeterministicAndFollowTheHash() {
        assertThat(Names.workloadJob("w".repeat(253), HASH)).isEqualTo(Names.workloadJob("w".repeat(253), HASH));
        assertThat(Names.workloadJob("batch", HASH)).isNotEqualTo(Names.workloadJob("batch", OTHER_HASH));
    }

    @Test
    void derivedNamesStayWithin253Characters() {
        assertThat(Names.environmentLock(LONGEST)).hasSize(253).endsWith("-lock");
        assertThat(Names.builderServiceAccount(LONGEST)).hasSize(253).endsWith("-builder");
    }
}
