package dev.terrarium.requirements;

import static dev.terrarium.requirements.Specs.DEFAULTS;
import static dev.terrarium.requirements.Specs.channels;
import static dev.terrarium.requirements.Specs.environmentYml;
import static dev.terrarium.requirements.Specs.packages;
import static dev.terrarium.requirements.Specs.pip;
import static dev.terrarium.requirements.Specs.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.BuildStrategy;
import dev.terrarium.api.ChannelAuthScheme;
import dev.terrarium.api.ChannelCredentials;
import dev.terrarium.api.EnvironmentSpec;
import dev.terrarium.api.ResolvedEnvironment;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChannelUrlsTest {

    private static NormalizationResult normalize(EnvironmentSpec spec) {
        return new EnvironmentNormalizer().normalize(spec, null, DEFAULTS);
    }

    private static ResolvedEnvironment resolve(EnvironmentSpec spec) {
        NormalizationResult result = normalize(spec);
        assertThat(result.violations()).isEmpty();
        return result.environment();
    }

    private static String hash(EnvironmentSpec spec) {
        return new SpecHasher().hash(resolve(spec), BuildStrategy.BUILDAH, "builder");
    }

    private static List<String> refusals(EnvironmentSpec spec) {
        return normalize(spec).violations().stream().map(Violation::message).toList();
    }

    private static Consumer<EnvironmentSpec> credentials(String... urlsAndSecrets) {
        return s -> {
            ChannelCredentials[] entries = new ChannelCredentials[urlsAndSecrets.length / 2];
            for (int i = 0; i < entries.length; i++) {
                entries[i] =
                        new ChannelCredentials(urlsAndSecrets[2 * i], urlsAndSecrets[2 * i + 1]);
            }
            s.setChannelCredentials(Arrays.asList(entries));
        };
    }

    @Test
    void channelUrlsAreNormalisedAndKeepTheirPlaceAmongNames() {
        ResolvedEnvironment env =
                resolve(
                        spec(
                                channels(
                                        "HTTPS://Conda.Example.com/Team/",
                                        "conda-forge",
                                        "https://conda.example.com/Team",
                                        "http://127.0.0.1:8080/main",
                                        "nodefaults"),
                                packages("team-tools")));
        assertThat(env.getChannels())
                .as("scheme and host lower case, the path as given, no trailing slash, once")
                .containsExactly(
                        "https://conda.example.com/Team",
                        "conda-forge",
                        "http://127.0.0.1:8080/main");
    }

    @Test
    void spellingsOfOneChannelUrlHashAlike() {
        String slash = hash(spec(channels("https://conda.example.com/team/"), packages("a")));
        String bare = hash(spec(channels("https://CONDA.example.com/team"), packages("a")));
        String other = hash(spec(channels("https://conda.example.com/other"), packages("a")));
        assertThat(slash).isEqualTo(bare).isNotEqualTo(other);
    }

    @Test
    void environmentYmlChannelUrlsAreRead() {
        ResolvedEnvironment env =
                resolve(
                        spec(
                                environmentYml(
                                        """
                                        channels:
                                          - https://conda.example.com/team/
                                          - conda-forge
                                          - nodefaults
                                        dependencies:
                                          - team-tools
                                        """)));
        assertThat(env.getChannels())
                .containsExactly("https://conda.example.com/team", "conda-forge");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
                    http://conda.example.com/team       | channel URLs must start with https:// (http:// only to 127.0.0.1, localhost or [::1]: plain http can be tampered with on the way)
                    https://bob:hunter2@conda.example.com/team | credentials in URLs are not allowed: name a Secret in spec.channelCredentials' secretName
                    https://conda.example.com/t/tk-123/team | a token in the URL (/t/<token>/) would show in the status and the lock: write the URL without it and name a Secret with the token in spec.channelCredentials, scheme CondaToken
                    https://conda.example.com/team?x=1  | a channel URL names a directory: no query (?) or fragment (#)
                    file:///srv/channel                 | file: URLs are not allowed: a build cannot read the user's files, only https channel URLs
                    https://conda.example.com/${TOKEN}  | "$" is not allowed in channel URLs (environment variables are not expanded, and credentials go in spec.channelCredentials' secretName)
                    """)
    void refusesChannelUrlsOutsideThePolicy(String url, String reason) {
        List<String> refusals = refusals(spec(channels(url), packages("a")));
        assertThat(refusals).hasSize(1);
        assertThat(refusals.get(0))
                .endsWith(": " + reason)
                .doesNotContain("hunter2")
                .doesNotContain("tk-123");
    }

    @Test
    void credentialsNameAChannelOfTheEnvironment() {
        ResolvedEnvironment env =
                resolve(
                        spec(
                                channels("https://conda.example.com/team", "conda-forge"),
                                credentials("https://CONDA.example.com/team/", "team-creds"),
                                packages("team-tools")));
        assertThat(env.getChannels()).contains("https://conda.example.com/team");
        assertThat(
                        ChannelUrls.secrets(
                                List.of(
                                        new ChannelCredentials(
                                                "https://CONDA.example.com/team/", "team-creds"))))
                .containsExactly(
                        new ChannelUrls.ChannelSecret(
                                "spec.channelCredentials[0].secretName",
                                "https://conda.example.com/team",
                                "team-creds",
                                ChannelAuthScheme.Basic));
    }

    @Test
    void credentialsForAnEnvironmentYmlChannelAreAccepted() {
        assertThat(
                        normalize(
                                        spec(
                                                environmentYml(
                                                        """
                                                        channels: [https://conda.example.com/team]
                                                        dependencies: [team-tools]
                                                        """),
                                                credentials(
                                                        "https://conda.example.com/team",
                                                        "team-creds")))
                                .violations())
                .isEmpty();
    }

    @Test
    void credentialsForTheChannelOfALocksArtifactsAreAccepted() {
        String explicit =
                """
                @EXPLICIT
                https://conda.example.com/team/linux-64/team-tools-1.4-0.conda#%s
                https://conda.example.com/team/noarch/team-data-2.0-0.conda#%s
                """
                        .formatted("a".repeat(64), "b".repeat(64));
        assertThat(
                        normalize(
                                        spec(
                                                Specs.condaExplicit(explicit),
                                                credentials(
                                                        "https://CONDA.example.com/team/",
                                                        "team-creds")))
                                .violations())
                .isEmpty();
        assertThat(
                        refusals(
                                spec(
                                        Specs.condaExplicit(explicit),
                                        credentials("https://conda.example.com/other", "x"))))
                .containsExactly(
                        "spec.channelCredentials[0].url \"https://conda.example.com/other\": not a "
                                + "channel of the environment; list it in spec.channels (or the "
                                + "environment.yml's channels); for a lock, the channel of its "
                                + "artifact URLs");
    }

    @Test
    void refusesCredentialsForAnythingButAChannelUrlOfTheEnvironment() {
        assertThat(
                        refusals(
                                spec(
                                        channels("https://conda.example.com/team"),
                                        credentials(
                                                "https://conda.example.com/other", "a",
                                                "https://conda.example.com/team", "b",
                                                "https://conda.example.com/team/", "c",
                                                "http://conda.example.com/team", "d"),
                                        packages("team-tools"))))
                .containsExactly(
                        "spec.channelCredentials[0].url \"https://conda.example.com/other\": not a "
                                + "channel of the environment; list it in spec.channels (or the "
                                + "environment.yml's channels); for a lock, the channel of its artifact "
                                + "URLs",
                        "spec.channelCredentials[2].url \"https://conda.example.com/team/\": the "
                                + "channel has credentials in an earlier entry",
                        "spec.channelCredentials[3].url \"http://conda.example.com/team\": channel "
                                + "URLs must start with https:// (http:// only to 127.0.0.1, "
                                + "localhost or [::1]: plain http can be tampered with on the way)");
        assertThat(refusals(spec(pip("flask"), credentials("https://conda.example.com/team", "a"))))
                .as("a venv has no channels")
                .containsExactly(
                        "spec.channelCredentials[0].url \"https://conda.example.com/team\": not a "
                                + "channel of the environment; list it in spec.channels (or the "
                                + "environment.yml's channels); for a lock, the channel of its artifact "
                                + "URLs");
    }
}
