package dev.terrarium.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A reproducible software environment, reconciled into a container image. */
@Group(Environment.GROUP)
@Version(Environment.VERSION)
@ShortNames("env")
@Categories("terrarium")
@AdditionalPrinterColumn(
        name = "Python",
        jsonPath = ".status.python",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Manager",
        jsonPath = ".status.manager",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Phase",
        jsonPath = ".status.phase",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Image",
        jsonPath = ".status.image",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(
        value = "self.metadata.name.size() <= " + Environment.MAX_NAME,
        message =
                "metadata.name: an Environment name is at most 63 characters, as it is the value of the "
                        + "terrarium.dev/environment label on its builds")
public class Environment extends CustomResource<EnvironmentSpec, EnvironmentStatus>
        implements Namespaced {
    public static final String GROUP = "terrarium.dev";
    public static final String VERSION = "v1alpha1";

    /** Longest Environment name: label values, which hold it, are at most 63 characters. */
    public static final int MAX_NAME = 63;
}
