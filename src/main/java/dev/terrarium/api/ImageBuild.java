package dev.terrarium.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One build attempt of an Environment's image; its spec is an immutable snapshot. */
@Group(Environment.GROUP)
@Version(Environment.VERSION)
@ShortNames("ib")
@Categories("terrarium")
@AdditionalPrinterColumn(
        name = "Environment",
        jsonPath = ".spec.environment",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Phase",
        jsonPath = ".status.phase",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Cache",
        jsonPath = ".status.cacheHit",
        type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(
        name = "Digest",
        jsonPath = ".status.digest",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Duration",
        jsonPath = ".status.duration",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(
        value = "self.metadata.name.size() <= " + ImageBuild.MAX_NAME,
        message =
                "metadata.name: an ImageBuild name is at most 52 characters, as its build Job takes the name and "
                        + "the Job's pods add a suffix to it within the 63 characters of a label value")
public class ImageBuild extends CustomResource<ImageBuildSpec, ImageBuildStatus>
        implements Namespaced {

    /**
     * Longest ImageBuild name: the build Job takes the same name and its pods add "-xxxxx", and the
     * Job name is also a label value (job-name), so it must stay at 63 characters or fewer.
     */
    public static final int MAX_NAME = 52;
}
