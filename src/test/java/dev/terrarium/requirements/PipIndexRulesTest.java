package dev.terrarium.requirements;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.BuildSettings;
import dev.terrarium.api.BuildStrategy;
import dev.terrarium.api.EnvironmentSpec;
import dev.terrarium.api.PipIndex;
import dev.terrarium.api.PipIndexes;
import dev.terrarium.api.ResolvedPipIndexes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PipIndexRulesTest {

    private static final String TXT = "spec.files.requirementsTxt";

    private static NormalizationResult normalize(EnvironmentSpec spec) {
        return new EnvironmentNormalizer().normalize(spec, null, Specs.DEFAULTS);
    }

    private static PipIndexes extra(String... urls) {
        PipIndexes indexes = new PipIndexes();
        List<PipIndex> entries = new ArrayList<>();
        for (String url : urls) {
            entries.add(new PipIndex(url, null));
        }
        indexes.setExtraIndexUrls(entries);
        return indexes;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://download.example.com/whl/cu121",
                "https://private.example.com:8443/simple/",
                "http://127.0.0.1:8080/simple/",
                "http://localhost/simple",
                "http://[::1]:9000/simple"
            })
    void acceptsHttpsAndLoopbackHttp(String url) {
        assertThat(PipIndexRules.refusal(url)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://mirror.example.com/simple",
                "http://127.0.0.1.example.com/simple",
                "file:///srv/wheels",
                "./wheels",
                "https://user:secret@private.example.com/simple",
                "https://token@private.example.com/simple",
                "https://private.example.com/${TOKEN}/simple",
                "https://private.example.com/simple\\\"",
                "https:///simple",
                ""
            })
    void refusesEveryOtherUrl(String url) {
        assertThat(PipIndexRules.refusal(url)).isPresent();
    }

    @Test
    void refusesAnOverlongUrl() {
        assertThat(PipIndexRules.refusal("https://example.com/" + "a".repeat(500)))
                .hasValueSatisfying(reason -> assertThat(reason).contains("512"));
    }

    @Test
    void mergesTheSpecFirstThenTheFileInOrderEachUrlOnce() {
        PipIndexes spec = extra("https://private.example.com/simple");
        spec.setIndexUrl(new PipIndex("https://mirror.example.com/simple", null));
        NormalizationResult result =
                normalize(
                        Specs.spec(
                                Specs.requirementsTxt(
                                        """
                        --index-url https://mirror.example.com/simple
                        --extra-index-url https://download.example.com/whl/cu121
                        --extra-index-url https://private.example.com/simple
                        -f https://wheels.example.com/links.html
                        torch==2.3.1
                        """),
                                s -> s.setPipIndexes(spec)));

        assertThat(result.violations()).isEmpty();
        ResolvedPipIndexes indexes = result.environment().getPipIndexes();
        assertThat(indexes.getIndexUrl()).isEqualTo("https://mirror.example.com/simple");
        assertThat(indexes.getExtraIndexUrls())
                .containsExactly(
                        "https://private.example.com/simple",
                        "https://download.example.com/whl/cu121");
        assertThat(indexes.getFindLinks()).containsExactly("https://wheels.example.com/links.html");
        assertThat(indexes.getCredentialsNamespace()).isNull();
    }

    @Test
    void refusesASecondIndexUrlNamingBothPlaces() {
        NormalizationResult result =
                normalize(
                        Specs.spec(
                                Specs.requirementsTxt(
                                        """
                        -i https://mirror.example.com/simple
                        requests
                        --index-url https://other.example.com/simple
                        """)));

        assertThat(result.violations())
                .extracting(Violation::message)
                .containsExactly(
                        TXT
                                + " line 3 \"--index-url https://other.example.com/simple\": a second index URL: "
                                + TXT
                                + " line 1 already replaces the default index with "
                                + "\"https://mirror.example.com/simple\", and only one index can; list the others as "
                                + "--extra-index-url");

        PipIndexes spec = new PipIndexes();
        spec.setIndexUrl(new PipIndex("https://mirror.example.com/simple", null));
        NormalizationResult againstTheSpec =
                normalize(
                        Specs.spec(
                                Specs.requirementsTxt(
                                        "requests\n-i https://other.example.com/simple\n"),
                                s -> s.setPipIndexes(spec)));
        assertThat(againstTheSpec.violations())
                .extracting(Violation::message)
                .singleElement()
                .asString()
                .startsWith(
                        TXT + " line 2 \"-i https://other.example.com/simple\": a second index URL")
                .contains("spec.pipIndexes.indexUrl already replaces");
    }

    @Test
    void refusesFileUrlsByTheSamePolicyQuotingTheLine() {
        NormalizationResult result =
                normalize(
                        Specs.spec(
                                Specs.environmentYml(
                                        """
                        pip-repositories:
                          - file://$PYPI_FILE_URL/
                        dependencies:
                          - python=3.12
                          - pip:
                            - --extra-index-url http://mirror.example.com/simple
                            - six
                        """)));

        assertThat(result.violations())
                .extracting(Violation::message)
                .containsExactlyInAnyOrder(
                        "spec.files.environmentYml dependencies[1].pip[0] \"--extra-index-url "
                                + "http://mirror.example.com/simple\": index URLs must start with https:// "
                                + "(http:// only to 127.0.0.1, localhost or [::1]: plain http can be "
                                + "tampered with on the way)",
                        "spec.files.environmentYml pip-repositories[0] \"file://$PYPI_FILE_URL/\": file: URLs "
                                + "are not allowed: a build cannot read the user's files, only https index URLs");
    }

    @Test
    void refusesSpecUrlsNamingTheField() {
        PipIndexes spec =
                extra("https://ok.example.com/simple", "https://u:p@bad.example.com/simple");
        NormalizationResult result =
                normalize(Specs.spec(Specs.pip("requests"), s -> s.setPipIndexes(spec)));

        assertThat(result.violations())
                .extracting(Violation::field, Violation::message)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "spec.pipIndexes.extraIndexUrls[1].url",
                                "spec.pipIndexes.extraIndexUrls[1].url "
                                        + "\"https://***@bad.example.com/simple\": credentials in URLs are not "
                                        + "allowed: name a Secret in spec.pipIndexes' secretName"));
    }

    @Test
    void aPasswordWrittenIntoAFileUrlIsNotQuotedBack() {
        NormalizationResult result =
                normalize(
                        Specs.spec(
                                Specs.requirementsTxt(
                                        "--extra-index-url https://reader:hunter2@private.example.com/simple\nsix\n")));

        assertThat(result.violations())
                .extracting(Violation::message)
                .singleElement()
                .asString()
                .startsWith(
                        TXT
                                + " line 1 \"--extra-index-url https://***@private.example.com/simple\": "
                                + "credentials in URLs are not allowed")
                .doesNotContain("hunter2");
    }

    @Test
    void boundsHowManyUrlsAFileAdds() {
        String file =
                String.join(
                                "\n",
                                IntStream.range(0, PipIndexes.MAX_ENTRIES + 1)
                                        .mapToObj(
                                                i ->
                                                        "--extra-index-url https://i"
                                                                + i
                                                                + ".example.com/simple")
                                        .toList())
                        + "\nrequests\n";
        NormalizationResult result = normalize(Specs.spec(Specs.requirementsTxt(file)));

        assertThat(result.violations())
                .extracting(Violation::message)
                .singleElement()
                .asString()
                .startsWith(TXT + " line 11 \"--extra-index-url https://i10.example.com/simple\"")
                .endsWith(
                        "more than 10 --extra-index-url URLs, with spec.pipIndexes.extraIndexUrls");
    }

    @Test
    void indexOptionsInSpecPipPointToTheField() {
        NormalizationResult result =
                normalize(
                        Specs.spec(
                                Specs.pip(
                                        "--extra-index-url https://x.example.com/simple", "six")));

        assertThat(result.violations())
                .extracting(Violation::message)
                .containsExactly(
                        "spec.pip[0] \"--extra-index-url https://x.example.com/simple\": package index options "
                                + "are read in a requirements.txt or an environment.yml's pip list; here, set "
                                + "spec.pipIndexes");
    }

    @Test
    void theIndexesEnterTheHashAndNoIndexesLeaveItAsItWas() {
        BuildSettings build = new BuildSettings();
        build.setStrategy(BuildStrategy.BUILDAH);
        build.setBuilderImage("builder@sha256:" + "0".repeat(64));
        SpecHasher hasher = new SpecHasher();
        var plain = normalize(Specs.spec(Specs.pip("six"))).environment();
        var sameThroughAFile = normalize(Specs.spec(Specs.requirementsTxt("six\n"))).environment();
        var indexed =
                normalize(
                                Specs.spec(
                                        Specs.pip("six"),
                                        s ->
                                                s.setPipIndexes(
                                                        extra("https://a.example.com/simple"))))
                        .environment();
        var indexedByFile =
                normalize(
                                Specs.spec(
                                        Specs.requirementsTxt(
                                                "--extra-index-url https://a.example.com/simple\nsix\n")))
                        .environment();
        var otherIndex =
                normalize(
                                Specs.spec(
                                        Specs.pip("six"),
                                        s ->
                                                s.setPipIndexes(
                                                        extra("https://b.example.com/simple"))))
                        .environment();

        assertThat(plain.getPipIndexes()).isNull();
        assertThat(hasher.canonicalJson(plain, BuildStrategy.BUILDAH, "b"))
                .doesNotContain("pipIndexes");
        assertThat(hasher.hash(plain, build)).isEqualTo(hasher.hash(sameThroughAFile, build));
        assertThat(hasher.hash(indexed, build))
                .as("the same index from the spec or the file")
                .isEqualTo(hasher.hash(indexedByFile, build))
                .isNotEqualTo(hasher.hash(plain, build))
                .isNotEqualTo(hasher.hash(otherIndex, build));
    }

    @Test
    void listsTheSecretsTheSpecNamesWithTheirFields() {
        PipIndexes spec = extra("https://a.example.com/simple");
        spec.getExtraIndexUrls().add(new PipIndex("https://b.example.com/simple", "b-creds"));
        spec.setIndexUrl(new PipIndex("https://m.example.com/simple", "m-creds"));

        assertThat(PipIndexRules.secrets(spec))
                .containsExactly(
                        new PipIndexRules.IndexSecret(
                                "spec.pipIndexes.indexUrl.secretName",
                                "https://m.example.com/simple",
                                "m-creds"),
                        new PipIndexRules.IndexSecret(
                                "spec.pipIndexes.extraIndexUrls[1].secretName",
                                "https://b.example.com/simple",
                                "b-creds"));
        assertThat(PipIndexRules.secrets(null)).isEmpty();
    }
}
