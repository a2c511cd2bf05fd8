package dev.terrarium.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A container that runs in an Environment's image (or a plain image), long-running or to
 * completion.
 */
@Group(Environment.GROUP)
@Version(Environment.VERSION)
@ShortNames("wl")
@Categories("terrarium")
@AdditionalPrinterColumn(
        name = "Environment",
        jsonPath = ".spec.environment",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Ready",
        jsonPath = ".status.ready",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Phase",
        jsonPath = ".status.phase",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Endpoint",
        jsonPath = ".status.endpoint",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(
        value = "self.metadata.name.size() <= " + Workload.MAX_NAME,
        message =
                "metadata.name: a Workload name is at most 63 characters, as its pods carry it as a label value "
                        + "and its Service takes it as name")
@ValidationRule(
        value =
                "!has(self.spec) || !has(self.spec.ports) || self.spec.ports.size() == 0 "
                        + "|| self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",
        message =
                "metadata.name: a Workload with ports needs a name that can name its Service (a DNS-1035 label: "
                        + "lower-case letters, digits and '-', starting with a letter)")
public class Workload extends CustomResource<WorkloadSpec, WorkloadStatus> implements Namespaced {

    /**
     * Longest Workload name: label values, which hold it, and Service names are at most 63
     * characters.
     */
    public static final int MAX_NAME = 63;
}
