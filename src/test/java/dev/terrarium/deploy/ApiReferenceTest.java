package dev.terrarium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import dev.terrarium.api.BakedEnvVar;
import dev.terrarium.api.BuildFailure;
import dev.terrarium.api.BuildOptions;
import dev.terrarium.api.BuildSettings;
import dev.terrarium.api.BuildStrategy;
import dev.terrarium.api.ClaimAccessMode;
import dev.terrarium.api.ClaimDeletion;
import dev.terrarium.api.ClaimVolume;
import dev.terrarium.api.Condition;
import dev.terrarium.api.ConfigMapSource;
import dev.terrarium.api.ConfigMapVolume;
import dev.terrarium.api.EmptyDirVolume;
import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentFiles;
import dev.terrarium.api.EnvironmentOutput;
import dev.terrarium.api.EnvironmentPhase;
import dev.terrarium.api.EnvironmentSpec;
import dev.terrarium.api.EnvironmentStatus;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildPhase;
import dev.terrarium.api.ImageBuildSpec;
import dev.terrarium.api.ImageBuildStatus;
import dev.terrarium.api.KeyFilesVolume;
import dev.terrarium.api.LockStatus;
import dev.terrarium.api.Manager;
import dev.terrarium.api.PersistentVolumeClaimVolume;
import dev.terrarium.api.ProbeExec;
import dev.terrarium.api.ProbeGrpc;
import dev.terrarium.api.ProbeHeader;
import dev.terrarium.api.ProbeHttpGet;
import dev.terrarium.api.ProbeTcpSocket;
import dev.terrarium.api.ResolvedEnvironment;
import dev.terrarium.api.Retention;
import dev.terrarium.api.SecretVolume;
import dev.terrarium.api.VolumeItem;
import dev.terrarium.api.Workload;
import dev.terrarium.api.WorkloadMode;
import dev.terrarium.api.WorkloadPhase;
import dev.terrarium.api.WorkloadPort;
import dev.terrarium.api.WorkloadProbe;
import dev.terrarium.api.WorkloadProbes;
import dev.terrarium.api.WorkloadSpec;
import dev.terrarium.api.WorkloadStatus;
import dev.terrarium.api.WorkloadVolume;
import dev.terrarium.api.WorkloadVolumeMount;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/api.md names everything the API and the operator settings have, so that it cannot fall
 * behind them.
 */
class ApiReferenceTest {

    private static final List<Class<?>> API_CLASSES =
            List.of(
                    EnvironmentSpec.class,
                    EnvironmentStatus.class,
                    EnvironmentFiles.class,
                    ConfigMapSource.class,
                    EnvironmentOutput.class,
                    BuildOptions.class,
                    Retention.class,
                    BakedEnvVar.class,
                    LockStatus.class,
                    ImageBuildSpec.class,
                    ImageBuildStatus.class,
                    ResolvedEnvironment.class,
                    BuildSettings.class,
                    BuildFailure.class,
                    WorkloadSpec.class,
                    WorkloadStatus.class,
                    WorkloadPort.class,
                    WorkloadProbes.class,
                    WorkloadProbe.class,
                    ProbeExec.class,
                    ProbeHttpGet.class,
                    ProbeHeader.class,
                    ProbeTcpSocket.class,
                    ProbeGrpc.class,
                    WorkloadVolume.class,
                    WorkloadVolumeMount.class,
                    PersistentVolumeClaimVolume.class,
                    ConfigMapVolume.class,
                    KeyFilesVolume.class,
                    SecretVolume.class,
                    VolumeItem.class,
                    EmptyDirVolume.class,
                    ClaimVolume.class,
                    Condition.class);
    private static final List<Class<?>> KINDS =
            List.of(Environment.class, ImageBuild.class, Workload.class);

    private static String reference;

    @BeforeAll
    static void read() throws IOException {
        reference = Files.readString(Manifests.repo().resolve("docs/api.md"));
    }

    /** `name`, or a dotted path ending in it: `output.image`, `ports[].name`. */
    private static boolean mentions(String name) {
        return Pattern.compile("`(?:[^`\\s]*[.\\]])?" + Pattern.quote(name) + "`")
                .matcher(reference)
                .find();
    }

    @Test
    void everyFieldOfTheApiIsDescribed() {
        for (Class<?> type : API_CLASSES) {
            for (Field field : type.getDeclaredFields()) {
                if (field.isAnnotationPresent(JsonPropertyDescription.class)) {
                    assertThat(mentions(field.getName()))
                            .as("%s.%s in docs/api.md", type.getSimpleName(), field.getName())
                            .isTrue();
                }
            }
        }
    }

    @Test
    void everyPhaseModeManagerAndStrategyIsNamed() {
        List<Enum<?>> values = new java.util.ArrayList<>();
        values.addAll(List.of(EnvironmentPhase.values()));
        values.addAll(List.of(ImageBuildPhase.values()));
        values.addAll(List.of(WorkloadPhase.values()));
        values.addAll(List.of(WorkloadMode.values()));
        values.addAll(List.of(ClaimAccessMode.values()));
        values.addAll(List.of(ClaimDeletion.values()));
        for (Enum<?> value : values) {
            assertThat(mentions(value.name())).as("%s in docs/api.md", value).isTrue();
        }
        for (Manager manager : Manager.values()) {
            assertThat(mentions(manager.value())).as(manager.value()).isTrue();
        }
        for (BuildStrategy strategy : BuildStrategy.values()) {
            assertThat(mentions(strategy.value())).as(strategy.value()).isTrue();
        }
    }

    @Test
    void everyKindsShortNameAndPrinterColumnsAreNamed() {
        assertThat(mentions("terrarium")).as("the category").isTrue();
        for (Class<?> kind : KINDS) {
            for (String shortName : kind.getAnnotation(ShortNames.class).value()) {
                assertThat(mentions(shortName)).as("short name %s", shortName).isTrue();
            }
            for (AdditionalPrinterColumn column :
                    kind.getAnnotationsByType(AdditionalPrinterColumn.class)) {
                assertThat(mentions(column.name().toUpperCase(Locale.ROOT)))
                        .as("column %s of %s", column.name(), kind.getSimpleName())
                        .isTrue();
            }
        }
    }

    @Test
    void theRolesForPeopleAreDescribedAsDeployMakesThem() throws IOException {
        List<JsonNode> roles =
                Manifests.parseAll(
                        Files.readString(
                                Manifests.repo().resolve("deploy/roles/aggregated-roles.yaml")));
        assertThat(roles)
                .extracting(r -> r.path("metadata").path("name").asText())
                .containsExactly("terrarium-view", "terrarium-edit");
        for (JsonNode role : roles) {
            String name = role.path("metadata").path("name").asText();
            String row =
                    reference
                            .lines()
                            .filter(line -> line.startsWith("| `" + name + "` |"))
                            .findFirst()
                            .orElseThrow(
                                    () -> new AssertionError(name + " has no row in docs/api.md"));
            role.path("metadata")
                    .path("labels")
                    .fieldNames()
                    .forEachRemaining(
                            label -> {
                                if (label.startsWith("rbac.authorization.k8s.io/aggregate-to-")) {
                                    assertThat(row)
                                            .as(name)
                                            .contains(
                                                    "`"
                                                            + label.substring(
                                                                    label.lastIndexOf('-') + 1)
                                                            + "`");
                                }
                            });
            for (JsonNode rule : role.path("rules")) {
                for (JsonNode word : List.of(rule.path("verbs"), rule.path("resources"))) {
                    word.forEach(w -> assertThat(row).as(name).contains("`" + w.asText() + "`"));
                }
            }
        }
    }

    @Test
    void theAdmissionPolicyIsDescribedAsDeployMakesIt() throws IOException {
        List<JsonNode> objects =
                Manifests.parseAll(
                        Files.readString(
                                Manifests.repo()
                                        .resolve("deploy/admission/imagebuild-policy.yaml")));
        JsonNode policy =
                Manifests.one(objects, "ValidatingAdmissionPolicy", "terrarium-imagebuilds");
        Manifests.one(objects, "ValidatingAdmissionPolicyBinding", "terrarium-imagebuilds");
        assertThat(mentions("terrarium-imagebuilds")).isTrue();
        String condition =
                policy.path("spec").path("matchConditions").get(0).path("expression").asText();
        String operator =
                condition.substring(condition.indexOf('"') + 1, condition.lastIndexOf('"'));
        assertThat(mentions(operator)).as("the one identity the policy lets through").isTrue();
        assertThat(mentions("failurePolicy: " + policy.path("spec").path("failurePolicy").asText()))
                .isTrue();
        for (JsonNode rule : policy.path("spec").path("matchConstraints").path("resourceRules")) {
            for (JsonNode word : List.of(rule.path("operations"), rule.path("resources"))) {
                word.forEach(w -> assertThat(mentions(w.asText())).as(w.asText()).isTrue());
            }
        }
    }

    @Test
    void everyOperatorSettingIsListedWithItsEnvironmentVariableAndDefault() {
        for (OperatorSettings setting : OperatorSettings.all()) {
            String row =
                    reference
                            .lines()
                            .filter(line -> line.startsWith("| `" + setting.key() + "` |"))
                            .findFirst()
                            .orElseThrow(
                                    () ->
                                            new AssertionError(
                                                    setting.key() + " has no row in docs/api.md"));
            assertThat(row).contains("`" + setting.envVar() + "`");
            setting.defaultValue()
                    .ifPresent(
                            value -> assertThat(row).as(setting.key()).contains("`" + value + "`"));
        }
    }
}
