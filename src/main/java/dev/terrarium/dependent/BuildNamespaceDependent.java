package dev.terrarium.dependent;

import dev.terrarium.api.ImageBuild;
import dev.terrarium.builder.BuildPlacement;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDNoGCKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfig;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.util.Optional;
import java.util.Set;

/**
 * An object of an ImageBuild's build, made where builds run ({@link BuildPlacement}). In the
 * ImageBuild's own namespace it is owned by the ImageBuild, as any dependent (the garbage collector
 * removes it with its owner). In the build namespace an owner reference cannot point across
 * namespaces: the object carries the operator SDK's primary-name and primary-namespace annotations
 * instead, is mapped back by them, and is deleted by the operator when its ImageBuild goes (the
 * ImageBuild then carries the operator's finalizer, as this class is never garbage-collected by
 * type), or when the workflow's precondition stops holding. Its informer then watches the build
 * namespace only, which the operator may read even when it watches other namespaces alone.
 */
public abstract class BuildNamespaceDependent<R extends HasMetadata>
        extends CRUDNoGCKubernetesDependentResource<R, ImageBuild> {

    /** A name no Kubernetes object can have (it is not a DNS name): the target of nothing. */
    protected static final String NO_OBJECT = "-";

    /** Where builds run; the subclass holds it, so that its bean keeps a no-argument super. */
    protected abstract BuildPlacement placement();

    /** The object's name where it is made. */
    protected abstract String objectName(ImageBuild build);

    @Override
    protected ResourceID targetSecondaryResourceID(ImageBuild build, Context<ImageBuild> context) {
        return new ResourceID(objectName(build), placement().namespace(build));
    }

    @Override
    protected void addReferenceHandlingMetadata(R desired, ImageBuild build) {
        if (placement().separate()) {
            addSecondaryToPrimaryMapperAnnotations(desired, build);
        } else {
            desired.addOwnerReference(build);
        }
    }

    @Override
    protected Optional<SecondaryToPrimaryMapper<R>> getSecondaryToPrimaryMapper(
            EventSourceContext<ImageBuild> context) {
        return Optional.of(
                placement().separate()
                        ? Mappers.fromDefaultAnnotations(ImageBuild.class)
                        : Mappers.fromOwnerReferences(ImageBuild.class));
    }

    @Override
    protected InformerEventSource<R, ImageBuild> createEventSource(
            EventSourceContext<ImageBuild> context) {
        if (!placement().separate()) {
            return super.createEventSource(context);
        }
        var config =
                informerConfigurationBuilder(context)
                        .withSecondaryToPrimaryMapper(
                                getSecondaryToPrimaryMapper(context).orElseThrow())
                        .withName(name());
        configuration()
                .map(KubernetesDependentResourceConfig::informerConfig)
                .ifPresent(config::updateFrom);
        config.withNamespaces(Set.of(placement().buildNamespace()));
        InformerEventSource<R, ImageBuild> source =
                new InformerEventSource<>(config.build(), context);
        setEventSource(source);
        return source;
    }
}
