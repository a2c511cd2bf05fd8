package dev.terrarium.naming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.Environment;
import dev.terrarium.api.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NamesTest {

    private static final String HASH = "0123456789abcdef".repeat(4);
    private static final String OTHER_HASH = "fedcba9876543210".repeat(4);
    private static final String DNS_SUBDOMAIN =
            "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    private static final String LONGEST = "e".repeat(253);
    private static final String LABEL_VALUE = "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$";

    /**
     * Valid object names (DNS-1123 subdomains) of every length up to max, with dashes and dots in
     * every place they may stand, including where a cut would land, and the shortest and longest
     * ones.
     */
    private static List<String> validNames(int max, long seed) {
        Random random = new Random(seed);
        List<String> names = new ArrayList<>(List.of("a", "0", "a".repeat(max), "9".repeat(max)));
        String inner = "abcz019-.";
        for (int i = 0; i < 3000; i++) {
            int length = 1 + random.nextInt(max);
            StringBuilder name = new StringBuilder();
            for (int j = 0; j < length; j++) {
                boolean edge = j == 0 || j == length - 1 || name.charAt(j - 1) == '.';
                char c = inner.charAt(random.nextInt(edge ? 7 : inner.length()));
                if (c == '.' && j + 1 < length && name.charAt(j - 1) == '-') {
                    c = 'b';
                }
                name.append(c);
            }
            String candidate = name.toString();
            if (candidate.matches(DNS_SUBDOMAIN)) {
                names.add(candidate);
            }
        }
        return names;
    }

    @Test
    void everyNameDerivedFromAValidEnvironmentNameIsValid() {
        for (String environment : validNames(Environment.MAX_NAME, 1)) {
            for (String token : new String[] {null, "2026-03-01"}) {
                String build = Names.imageBuild(environment, HASH, token);
                assertThat(build)
                        .as(environment)
                        .hasSizeLessThanOrEqualTo(Names.MAX_BUILD_NAME)
                        .matches(DNS_SUBDOMAIN)
                        .matches(LABEL_VALUE);
                assertThat(Names.buildContext(build))
                        .hasSizeLessThanOrEqualTo(253)
                        .matches(DNS_SUBDOMAIN);
                assertThat(Names.buildLock(build))
                        .hasSizeLessThanOrEqualTo(253)
                        .matches(DNS_SUBDOMAIN);
                assertThat(Names.event(build, "18b2f3a9c1d2e3f4abc"))
                        .hasSizeLessThanOrEqualTo(253)
                        .matches(DNS_SUBDOMAIN);
                for (Map.Entry<String, String> label :
                        Labels.forBuildLock(environment, build).entrySet()) {
                    assertThat(label.getValue())
                            .as(label.getKey())
                            .hasSizeLessThanOrEqualTo(63)
                            .matches(LABEL_VALUE);
                }
            }
            assertThat(Names.environmentLock(environment))
                    .hasSizeLessThanOrEqualTo(253)
                    .matches(DNS_SUBDOMAIN);
            assertThat(Names.builderServiceAccount(environment))
                    .hasSizeLessThanOrEqualTo(253)
                    .matches(DNS_SUBDOMAIN);
            assertThat(Names.event(environment, "18b2f3a9c1d2e3f4abc")).matches(DNS_SUBDOMAIN);
            Labels.forEnvironment(environment)
                    .values()
                    .forEach(
                            value ->
                                    assertThat(value)
                                            .hasSizeLessThanOrEqualTo(63)
                                            .matches(LABEL_VALUE));
        }
    }

    @Test
    void everyNameDerivedFromAValidWorkloadNameIsValid() {
        for (String workload : validNames(Workload.MAX_NAME, 2)) {
            String job = Names.workloadJob(workload, HASH);
            assertThat(job)
                    .as(workload)
                    .hasSizeLessThanOrEqualTo(52)
                    .matches(DNS_SUBDOMAIN)
                    .matches(LABEL_VALUE);
            Labels.forWorkload(workload)
                    .values()
                    .forEach(
                            value ->
                                    assertThat(value)
                                            .hasSizeLessThanOrEqualTo(63)
                                            .matches(LABEL_VALUE));
            assertThat(Names.event(workload, "18b2f3a9c1d2e3f4abc")).matches(DNS_SUBDOMAIN);
        }
    }

    @Test
    void anEventNameKeepsItsUniqueSuffixForTheLongestObjectName() {
        assertThat(Names.event(LONGEST, "18b2f3a9c1d2e3f4abc"))
                .hasSize(253)
                .endsWith(".18b2f3a9c1d2e3f4abc")
                .matches(DNS_SUBDOMAIN);
        assertThat(Names.event("ds", "1a")).isEqualTo("ds.1a");
    }

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
                assertThat(name)
                        .hasSizeLessThanOrEqualTo(52)
                        .matches(DNS_SUBDOMAIN)
                        .doesNotContain("--")
                        .doesNotContain(".-")
                        .doesNotEndWith("-");
            }
        }
    }

    @Test
    void aRebuildSuffixIsAddedOnlyWhenATokenIsGiven() {
        String plain = Names.imageBuild("ds", HASH, null);

        assertThat(Names.imageBuild("ds", HASH, "")).isEqualTo(plain);
        assertThat(Names.imageBuild("ds", HASH, "2026-03-01")).matches("ds-0123456789-[0-9a-f]{5}");
        assertThat(Names.imageBuild("ds", HASH, "2026-03-01"))
                .isNotEqualTo(Names.imageBuild("ds", HASH, "2026-03-02"));
    }

    @Test
    void imageBuildNamesAreDeterministicAndFollowTheHash() {
        assertThat(Names.imageBuild(LONGEST, HASH, "t"))
                .isEqualTo(Names.imageBuild(LONGEST, HASH, "t"));
        assertThat(Names.imageBuild("ds", HASH, null))
                .isNotEqualTo(Names.imageBuild("ds", OTHER_HASH, null));
    }

    @Test
    void aWorkloadJobNameStaysWithin52CharactersAndIsValid() {
        assertThat(Names.workloadJob("batch", HASH)).isEqualTo("batch-01234567");
        assertThat(Names.workloadJob("w".repeat(253), HASH)).hasSize(52).endsWith("-01234567");
        assertThat(Names.workloadJob("a".repeat(42) + "-" + "b".repeat(100), HASH))
                .matches(DNS_SUBDOMAIN)
                .doesNotContain("--");
    }

    @Test
    void workloadJobNamesAreDeterministicAndFollowTheHash() {
        assertThat(Names.workloadJob("w".repeat(253), HASH))
                .isEqualTo(Names.workloadJob("w".repeat(253), HASH));
        assertThat(Names.workloadJob("batch", HASH))
                .isNotEqualTo(Names.workloadJob("batch", OTHER_HASH));
    }

    @Test
    void derivedNamesStayWithin253Characters() {
        assertThat(Names.environmentLock(LONGEST)).hasSize(253).endsWith("-lock");
        assertThat(Names.builderServiceAccount(LONGEST)).hasSize(253).endsWith("-builder");
    }

    private static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

    @Test
    void namesInTheBuildNamespaceAreLabelsWithin63CharactersForEveryValidPair() {
        List<String> namespaces =
                validNames(63, 3).stream().filter(n -> n.matches(DNS_LABEL)).toList();
        List<String> builds = validNames(Names.MAX_BUILD_NAME, 4);
        for (int i = 0; i < namespaces.size(); i++) {
            String namespace = namespaces.get(i);
            String build = builds.get(i % builds.size());
            for (String name :
                    List.of(
                            Names.buildJob(namespace, build),
                            Names.buildContext(namespace, build),
                            Names.pushSecretCopy(namespace, build))) {
                assertThat(name)
                        .as(namespace + "/" + build)
                        .hasSizeLessThanOrEqualTo(63)
                        .matches(DNS_LABEL);
            }
            assertThat(Labels.forBuildIn(namespace, "e", build).values())
                    .allSatisfy(
                            v -> assertThat(v).hasSizeLessThanOrEqualTo(63).matches(LABEL_VALUE));
        }
        assertThat(Names.buildJob("n".repeat(63), "b".repeat(52))).hasSize(63);
    }

    @Test
    void namesInTheBuildNamespaceTellPairsApartThatReadTheSame() {
        assertThat(Names.buildJob("a-b", "c")).isNotEqualTo(Names.buildJob("a", "b-c"));
        assertThat(Names.buildJob("a", "b.c")).isNotEqualTo(Names.buildJob("a", "b-c"));
        String longBuild = "b".repeat(52);
        assertThat(Names.buildJob("team-" + "x".repeat(58), longBuild))
                .isNotEqualTo(Names.buildJob("team-" + "x".repeat(57) + "y", longBuild));
        assertThat(Names.buildJob("team", "ds-0123456789"))
                .isEqualTo(Names.buildJob("team", "ds-0123456789"))
                .startsWith("team-ds-0123456789-");
        assertThat(Names.buildContext("team", "ds")).endsWith("-context");
        assertThat(Names.pushSecretCopy("team", "ds")).endsWith("-push");
    }
}
