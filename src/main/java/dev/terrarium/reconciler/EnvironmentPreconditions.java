package dev.terrarium.reconciler;

import dev.terrarium.api.Environment;
import dev.terrarium.resolution.EnvironmentLocks;
import dev.terrarium.resolution.EnvironmentResolver;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.quarkus.arc.Unremovable;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * When an Environment's children exist: nothing is created for a spec that is refused. The
 * conditions are CDI beans (the operator SDK uses the bean when there is one); the framework also
 * makes one reflectively at build time.
 */
public final class EnvironmentPreconditions {

    private EnvironmentPreconditions() {}

    /** The spec is valid and its sources exist. */
    @Singleton
    @Unremovable
    public static class SpecResolved implements Condition<Object, Environment> {

        @Inject EnvironmentResolver resolver;

        @Override
        public boolean isMet(
                DependentResource<Object, Environment> dependent,
                Environment environment,
                Context<Environment> context) {
            return resolver.resolve(environment, context).valid();
        }
    }

    /** The image in use has a lock to publish. */
    @Singleton
    @Unremovable
    public static class LockKnown implements Condition<Object, Environment> {

        @Inject EnvironmentResolver resolver;

        @Override
        public boolean isMet(
                DependentResource<Object, Environment> dependent,
                Environment environment,
                Context<Environment> context) {
            return EnvironmentLocks.current(
                            environment,
                            resolver.resolve(environment, context).buildName(),
                            context)
                    .isPresent();
        }
    }
}
