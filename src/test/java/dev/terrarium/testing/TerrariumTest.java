package dev.terrarium.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that runs against the local control plane: it gets a fresh namespace, a {@link
 * TestNamespace} (client and kubectl bound to it) as a parameter, and, unless {@code operator =
 * false}, the operator running.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(TerrariumExtension.class)
public @interface TerrariumTest {

    /** Whether the test needs the operator process. */
    boolean operator() default true;
}
