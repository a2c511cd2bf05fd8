package dev.terrarium.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Schema constraints on each item of a list of strings. The CRD generator has no annotation for
 * item schemas, and bounded items are what keep the API server's CEL cost estimate of the list's
 * rules within budget.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
public @interface Items {

    /** Longest item. */
    int maxLength();

    /** Pattern every item must match; empty for none. */
    String pattern() default "";
}
