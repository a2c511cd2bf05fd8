package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.List;
import java.util.Map;

/** What to run and how. */
@JsonClassDescription(
        "What runs: a container from an Environment's image or a plain image, as a Deployment and Service (mode Service) or a Job (mode Job).")
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "has(self.environment) != has(self.image)",
        message = "exactly one of environment or image must be set")
@ValidationRule(
        value = "!has(self.ports) || self.ports.all(p, self.ports.exists_one(q, q.name == p.name))",
        message = "port names must be unique",
        fieldPath = ".ports")
@ValidationRule(
        value =
                "!has(self.ports) || self.ports.all(p, self.ports.exists_one(q, q.containerPort == p.containerPort))",
        message = "containerPort numbers must be unique",
        fieldPath = ".ports")
@ValidationRule(
        value =
                "!has(self.ports) || self.ports.all(p, self.ports.exists_one(q, "
                        + "(has(q.port) ? q.port : q.containerPort) == (has(p.port) ? p.port : p.containerPort)))",
        message = "Service port numbers must be unique",
        fieldPath = ".ports")
@ValidationRule(
        value = "!has(self.backoffLimit) || (has(self.mode) && self.mode == 'Job')",
        message = "backoffLimit applies to mode: Job only")
@ValidationRule(
        value = "!has(self.mode) || self.mode == 'Service' || !has(self.replicas)",
        message = "replicas applies to mode: Service only")
@ValidationRule(
        value =
                "!has(self.isolation) || self.isolation == 'container' || !has(self.runtimeClassName)",
        message =
                "isolation and runtimeClassName both choose the pods' RuntimeClass: set isolation "
                        + "(sandboxed or vm, which the operator's settings map to a RuntimeClass) or "
                        + "runtimeClassName, not both",
        fieldPath = ".isolation")
@ValidationRule(
        value =
                "!has(self.volumes) || self.volumes.all(v, self.volumes.exists_one(w, w.name == v.name))",
        message = "volumes[].name must be unique",
        fieldPath = ".volumes")
@ValidationRule(
        value =
                "!has(self.volumeMounts) || self.volumeMounts.all(m, has(self.volumes) "
                        + "&& self.volumes.exists(v, v.name == m.name))",
        message = "volumeMounts[].name must name one of spec.volumes",
        fieldPath = ".volumeMounts")
@ValidationRule(
        value =
                "!has(self.volumeMounts) || self.volumeMounts.all(m, "
                        + "self.volumeMounts.exists_one(n, n.mountPath == m.mountPath))",
        message = "volumeMounts[].mountPath must be unique",
        fieldPath = ".volumeMounts")
@ValidationRule(
        value = "!has(self.volumes) || self.volumes.filter(v, has(v.claim)).size() <= 1",
        message = "at most one of volumes[] may be a claim the operator makes",
        fieldPath = ".volumes")
@ValidationRule(
        value =
                "!has(self.volumes) || !self.volumes.exists(v, has(v.claim)) "
                        + "|| ((!has(self.mode) || self.mode == 'Service') "
                        + "&& (!has(self.replicas) || self.replicas <= 1))",
        message =
                "volumes[].claim needs mode: Service with at most one replica; share a claim "
                        + "between pods with persistentVolumeClaim instead",
        fieldPath = ".volumes")
@ValidationRule(
        value = WorkloadSpec.READINESS_HTTP_PORT,
        message = "probes.readiness.httpGet.port names no entry of spec.ports",
        fieldPath = ".probes.readiness.httpGet.port")
@ValidationRule(
        value = WorkloadSpec.READINESS_TCP_PORT,
        message = "probes.readiness.tcpSocket.port names no entry of spec.ports",
        fieldPath = ".probes.readiness.tcpSocket.port")
@ValidationRule(
        value = WorkloadSpec.LIVENESS_HTTP_PORT,
        message = "probes.liveness.httpGet.port names no entry of spec.ports",
        fieldPath = ".probes.liveness.httpGet.port")
@ValidationRule(
        value = WorkloadSpec.LIVENESS_TCP_PORT,
        message = "probes.liveness.tcpSocket.port names no entry of spec.ports",
        fieldPath = ".probes.liveness.tcpSocket.port")
@ValidationRule(
        value = WorkloadSpec.STARTUP_HTTP_PORT,
        message = "probes.startup.httpGet.port names no entry of spec.ports",
        fieldPath = ".probes.startup.httpGet.port")
@ValidationRule(
        value = WorkloadSpec.STARTUP_TCP_PORT,
        message = "probes.startup.tcpSocket.port names no entry of spec.ports",
        fieldPath = ".probes.startup.tcpSocket.port")
public class WorkloadSpec {

    private static final String NAMED_PORT_OF_PORTS_1 = "!has(self.probes) || !has(self.probes.";
    private static final String NAMED_PORT_OF_PORTS_2 = ") || !has(self.probes.";
    private static final String NAMED_PORT_OF_PORTS_3 = ") || type(self.probes.";
    private static final String NAMED_PORT_OF_PORTS_4 =
            ".port) == int || (has(self.ports) && self.ports.exists(q, q.name == self.probes.";
    private static final String NAMED_PORT_OF_PORTS_5 = ".port))";

    /**
     * CEL: a probe's port given by name names one of the Workload's ports, since the pod has no
     * other named ports and the kubelet would fail the probe forever.
     */
    static final String READINESS_HTTP_PORT =
            NAMED_PORT_OF_PORTS_1
                    + "readiness"
                    + NAMED_PORT_OF_PORTS_2
                    + "readiness.httpGet"
                    + NAMED_PORT_OF_PORTS_3
                    + "readiness.httpGet"
                    + NAMED_PORT_OF_PORTS_4
                    + "readiness.httpGet"
                    + NAMED_PORT_OF_PORTS_5;

    static final String READINESS_TCP_PORT =
            NAMED_PORT_OF_PORTS_1
                    + "readiness"
                    + NAMED_PORT_OF_PORTS_2
                    + "readiness.tcpSocket"
                    + NAMED_PORT_OF_PORTS_3
                    + "readiness.tcpSocket"
                    + NAMED_PORT_OF_PORTS_4
                    + "readiness.tcpSocket"
                    + NAMED_PORT_OF_PORTS_5;

    static final String LIVENESS_HTTP_PORT =
            NAMED_PORT_OF_PORTS_1
                    + "liveness"
                    + NAMED_PORT_OF_PORTS_2
                    + "liveness.httpGet"
                    + NAMED_PORT_OF_PORTS_3
                    + "liveness.httpGet"
                    + NAMED_PORT_OF_PORTS_4
                    + "liveness.httpGet"
                    + NAMED_PORT_OF_PORTS_5;

    static final String LIVENESS_TCP_PORT =
            NAMED_PORT_OF_PORTS_1
                    + "liveness"
                    + NAMED_PORT_OF_PORTS_2
                    + "liveness.tcpSocket"
                    + NAMED_PORT_OF_PORTS_3
                    + "liveness.tcpSocket"
                    + NAMED_PORT_OF_PORTS_4
                    + "liveness.tcpSocket"
                    + NAMED_PORT_OF_PORTS_5;

    static final String STARTUP_HTTP_PORT =
            NAMED_PORT_OF_PORTS_1
                    + "startup"
                    + NAMED_PORT_OF_PORTS_2
                    + "startup.httpGet"
                    + NAMED_PORT_OF_PORTS_3
                    + "startup.httpGet"
                    + NAMED_PORT_OF_PORTS_4
                    + "startup.httpGet"
                    + NAMED_PORT_OF_PORTS_5;

    static final String STARTUP_TCP_PORT =
            NAMED_PORT_OF_PORTS_1
                    + "startup"
                    + NAMED_PORT_OF_PORTS_2
                    + "startup.tcpSocket"
                    + NAMED_PORT_OF_PORTS_3
                    + "startup.tcpSocket"
                    + NAMED_PORT_OF_PORTS_4
                    + "startup.tcpSocket"
                    + NAMED_PORT_OF_PORTS_5;

    @Size(max = 253)
    @Pattern(Patterns.OBJECT_NAME)
    @JsonPropertyDescription(
            "Name of the Environment (same namespace) whose image runs. Exactly one of environment "
                    + "and image.")
    private String environment;

    @Size(max = 512)
    @Pattern(Patterns.IMAGE)
    @JsonPropertyDescription(
            "A plain image to run instead of an Environment's, as repository[:tag][@digest].")
    private String image;

    @JsonPropertyDescription("Service (default): long-running Deployment; Job: runs to completion.")
    private WorkloadMode mode;

    @Size(max = 64)
    @Items(maxLength = 4096)
    @JsonPropertyDescription("Entrypoint, replacing the image's (docker run --entrypoint).")
    private List<String> command;

    @Size(max = 256)
    @Items(maxLength = 65536)
    @JsonPropertyDescription("Arguments to the entrypoint (what follows the image in docker run).")
    private List<String> args;

    @Size(max = 4096)
    @Pattern("^/.*$")
    @JsonPropertyDescription("Working directory of the container, an absolute path.")
    private String workingDir;

    @Size(max = 32)
    @JsonPropertyDescription(
            "Ports the container listens on; a ClusterIP Service named like the Workload publishes "
                    + "them.")
    private List<WorkloadPort> ports;

    @Size(max = 256)
    @JsonPropertyDescription("Environment variables of the container (docker run -e).")
    private List<EnvVar> env;

    @Size(max = 64)
    @JsonPropertyDescription(
            "Secrets or ConfigMaps whose keys become environment variables (docker run --env-file; "
                    + "make the Secret with kubectl create secret generic NAME --from-env-file=.env).")
    private List<EnvFromSource> envFrom;

    @SpecReplicas
    @Min(0)
    @Max(1000)
    @JsonPropertyDescription(
            "Number of pods (mode: Service); the Workload's scale subresource sets it, so kubectl "
                    + "scale workload/NAME and a HorizontalPodAutoscaler whose scaleTargetRef is the "
                    + "Workload change it. When unset, the operator does not own the Deployment's "
                    + "replica count; a new Deployment starts with 1.")
    private Integer replicas;

    @JsonPropertyDescription(
            "True stops the Workload (docker stop): Deployment scaled to zero, Job suspended; "
                    + "every object is kept. False starts it again.")
    private Boolean suspend;

    @Min(0)
    @Max(100)
    @JsonPropertyDescription("Retries of a failed pod (mode: Job). Defaults to 0.")
    private Integer backoffLimit;

    @ValidationRule(
            value = Patterns.RESOURCE_NAMES,
            message =
                    "resources are cpu, memory, ephemeral-storage, "
                            + "hugepages-<size> or an extended resource such as nvidia.com/gpu")
    @ValidationRule(
            value = Patterns.REQUESTS_WITHIN_LIMITS,
            message = "a cpu or memory request must not exceed " + "its limit")
    @JsonPropertyDescription(
            "CPU and memory requests and limits of the container, each a quantity greater than zero such as 500m, 2 or 4Gi.")
    private ResourceRequirements resources;

    @Size(max = 253)
    @Pattern(Patterns.OBJECT_NAME)
    @JsonPropertyDescription(
            "Service account of the pods. When set, its API token is mounted; when unset, the pods "
                    + "get no token.")
    private String serviceAccountName;

    @Size(max = 32)
    @JsonPropertyDescription("Node labels the pods must match, for example a GPU node pool.")
    private Map<String, String> nodeSelector;

    @Size(max = 32)
    @JsonPropertyDescription("Tolerations of the pods, for example of tainted GPU nodes.")
    private List<Toleration> tolerations;

    @Size(max = 253)
    @Pattern(Patterns.OBJECT_NAME)
    @JsonPropertyDescription(
            "RuntimeClass of the pods, for isolation stronger than a container's (a sandbox such as "
                    + "gVisor, or a VM such as Kata Containers) when the code is less trusted: the "
                    + "name of one of the cluster's RuntimeClasses (kubectl get runtimeclass). While "
                    + "it does not exist, the Workload is Ready=False with reason "
                    + "RuntimeClassNotFound and no pods are created or changed. Not together with "
                    + "isolation sandboxed or vm.")
    private String runtimeClassName;

    @JsonPropertyDescription(
            "How strongly the pods are isolated: container (default, the node's runtime), "
                    + "sandboxed (a sandbox such as gVisor) or vm (a VM per pod such as Kata "
                    + "Containers), for less trusted code. The operator's settings map sandboxed and "
                    + "vm to RuntimeClasses; while the cluster lacks the one mapped, the Workload is "
                    + "Ready=False with reason RuntimeClassNotFound and no pods are created or "
                    + "changed.")
    private WorkloadIsolation isolation;

    @JsonPropertyDescription(
            "Container security settings, merged over the secure defaults (runAsNonRoot, no "
                    + "privilege escalation, all capabilities dropped, RuntimeDefault seccomp).")
    private SecurityContext securityContext;

    @Size(max = 16)
    @Items(maxLength = 253, pattern = Patterns.OBJECT_NAME)
    @JsonPropertyDescription(
            "Secrets of type kubernetes.io/dockerconfigjson (same namespace) the pods pull their "
                    + "image with, for a plain image from a private registry (docker login). Added "
                    + "to the Environment's output.pullSecret, without duplicates.")
    private List<String> imagePullSecrets;

    @JsonPropertyDescription(
            "Readiness, liveness and startup probes of the container, in Kubernetes' Probe shape "
                    + "(exec, httpGet, tcpSocket or grpc). Without a readiness probe, a Workload of "
                    + "mode Service with ports is checked on its first TCP port (see "
                    + "probes.defaultReadiness).")
    private WorkloadProbes probes;

    @Size(max = 32)
    @JsonPropertyDescription(
            "Volumes of the pods: an existing PersistentVolumeClaim, a ConfigMap's or Secret's "
                    + "keys as files, an emptyDir (medium Memory for /dev/shm), or a claim the "
                    + "operator makes. Names are DNS-1123 labels, unique. No hostPath.")
    private List<WorkloadVolume> volumes;

    @Size(max = 64)
    @JsonPropertyDescription(
            "Where the container mounts the volumes (docker run -v SOURCE:PATH): each names one "
                    + "of volumes, at an absolute path of its own outside the environment's prefix.")
    private List<WorkloadVolumeMount> volumeMounts;

    public String getEnvironment() {
        return environment;
    }

    public void setEnvironment(String environment) {
        this.environment = environment;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public WorkloadMode getMode() {
        return mode;
    }

    public void setMode(WorkloadMode mode) {
        this.mode = mode;
    }

    public List<String> getCommand() {
        return command;
    }

    public void setCommand(List<String> command) {
        this.command = command;
    }

    public List<String> getArgs() {
        return args;
    }

    public void setArgs(List<String> args) {
        this.args = args;
    }

    public String getWorkingDir() {
        return workingDir;
    }

    public void setWorkingDir(String workingDir) {
        this.workingDir = workingDir;
    }

    public List<WorkloadPort> getPorts() {
        return ports;
    }

    public void setPorts(List<WorkloadPort> ports) {
        this.ports = ports;
    }

    public List<EnvVar> getEnv() {
        return env;
    }

    public void setEnv(List<EnvVar> env) {
        this.env = env;
    }

    public List<EnvFromSource> getEnvFrom() {
        return envFrom;
    }

    public void setEnvFrom(List<EnvFromSource> envFrom) {
        this.envFrom = envFrom;
    }

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public Boolean getSuspend() {
        return suspend;
    }

    public void setSuspend(Boolean suspend) {
        this.suspend = suspend;
    }

    public Integer getBackoffLimit() {
        return backoffLimit;
    }

    public void setBackoffLimit(Integer backoffLimit) {
        this.backoffLimit = backoffLimit;
    }

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }

    public String getServiceAccountName() {
        return serviceAccountName;
    }

    public void setServiceAccountName(String serviceAccountName) {
        this.serviceAccountName = serviceAccountName;
    }

    public String getRuntimeClassName() {
        return runtimeClassName;
    }

    public void setRuntimeClassName(String runtimeClassName) {
        this.runtimeClassName = runtimeClassName;
    }

    public WorkloadIsolation getIsolation() {
        return isolation;
    }

    public void setIsolation(WorkloadIsolation isolation) {
        this.isolation = isolation;
    }

    public SecurityContext getSecurityContext() {
        return securityContext;
    }

    public void setSecurityContext(SecurityContext securityContext) {
        this.securityContext = securityContext;
    }

    public Map<String, String> getNodeSelector() {
        return nodeSelector;
    }

    public void setNodeSelector(Map<String, String> nodeSelector) {
        this.nodeSelector = nodeSelector;
    }

    public List<Toleration> getTolerations() {
        return tolerations;
    }

    public void setTolerations(List<Toleration> tolerations) {
        this.tolerations = tolerations;
    }

    public List<String> getImagePullSecrets() {
        return imagePullSecrets;
    }

    public void setImagePullSecrets(List<String> imagePullSecrets) {
        this.imagePullSecrets = imagePullSecrets;
    }

    public WorkloadProbes getProbes() {
        return probes;
    }

    public void setProbes(WorkloadProbes probes) {
        this.probes = probes;
    }

    public List<WorkloadVolume> getVolumes() {
        return volumes;
    }

    public void setVolumes(List<WorkloadVolume> volumes) {
        this.volumes = volumes;
    }

    public List<WorkloadVolumeMount> getVolumeMounts() {
        return volumeMounts;
    }

    public void setVolumeMounts(List<WorkloadVolumeMount> volumeMounts) {
        this.volumeMounts = volumeMounts;
    }
}
