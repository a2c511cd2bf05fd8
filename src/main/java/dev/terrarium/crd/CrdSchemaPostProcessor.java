package dev.terrarium.crd;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import dev.terrarium.api.Environment;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.Items;
import dev.terrarium.api.Patterns;
import dev.terrarium.api.Workload;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Finishes the generated CRDs where the generator's annotations cannot reach: printer columns in
 * the order the API classes declare them (the generator sorts them by name, so Age would come
 * first), and {@code conditions} as a list map keyed by type, as metav1.Condition lists are, so
 * server-side apply merges conditions by type; the item constraints of {@link Items}; and on the
 * requests and limits of a {@link ResourceRequirements}, a bound on their number (without which the
 * API server would estimate the cost of their CEL rules over maps of any size and refuse the CRD)
 * and a quantity greater than zero as each value; descriptions of the spec and status from their
 * classes, and of embedded Kubernetes types from {@link KubernetesDescriptions}.
 */
public class CrdSchemaPostProcessor implements CRDPostProcessor {

    /** Most resources one requests or limits map may name; pods rarely name more than four. */
    static final long MAX_RESOURCES = 16;

    private final KubernetesDescriptions kubernetes = KubernetesDescriptions.load();

    private static final Map<String, Class<?>> KINDS =
            Map.of(
                    "Environment",
                    Environment.class,
                    "ImageBuild",
                    ImageBuild.class,
                    "Workload",
                    Workload.class);

    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
        if (!(crd instanceof CustomResourceDefinition definition)) {
            return crd;
        }
        Class<?> type = KINDS.get(definition.getSpec().getNames().getKind());
        if (type == null) {
            return crd;
        }
        List<String> declaredOrder =
                List.of(type.getAnnotationsByType(AdditionalPrinterColumn.class)).stream()
                        .map(AdditionalPrinterColumn::name)
                        .toList();
        for (CustomResourceDefinitionVersion version : definition.getSpec().getVersions()) {
            List<CustomResourceColumnDefinition> columns = version.getAdditionalPrinterColumns();
            if (columns != null) {
                columns.sort(
                        (a, b) ->
                                Integer.compare(
                                        declaredOrder.indexOf(a.getName()),
                                        declaredOrder.indexOf(b.getName())));
            }
            JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
            applyItemConstraints(specClass(type), root.getProperties().get("spec"));
            JSONSchemaProps status = root.getProperties().get("status");
            describe(specClass(type), root.getProperties().get("spec"));
            describe(statusClass(type), status);
            JSONSchemaProps conditions =
                    status == null ? null : status.getProperties().get("conditions");
            if (conditions != null) {
                conditions.setXKubernetesListType("map");
                conditions.setXKubernetesListMapKeys(List.of("type"));
            }
        }
        return crd;
    }

    private static Class<?> specClass(Class<?> type) {
        return (Class<?>)
                ((ParameterizedType) type.getGenericSuperclass()).getActualTypeArguments()[0];
    }

    private static Class<?> statusClass(Class<?> type) {
        return (Class<?>)
                ((ParameterizedType) type.getGenericSuperclass()).getActualTypeArguments()[1];
    }

    /**
     * The spec or status itself from its class's description, then every embedded Kubernetes type
     * from Kubernetes' own.
     */
    private void describe(Class<?> type, JSONSchemaProps schema) {
        if (schema == null) {
            return;
        }
        JsonClassDescription description = type.getAnnotation(JsonClassDescription.class);
        if (description != null && schema.getDescription() == null) {
            schema.setDescription(description.value());
        }
        describeKubernetesTypes(type, schema);
    }

    /** Walks the class and its schema together down to each field of a Kubernetes model type. */
    private void describeKubernetesTypes(Class<?> type, JSONSchemaProps schema) {
        if (schema == null
                || schema.getProperties() == null
                || !type.getPackageName().equals(Items.class.getPackageName())) {
            return;
        }
        for (Field field : type.getDeclaredFields()) {
            JSONSchemaProps property = schema.getProperties().get(field.getName());
            if (Modifier.isStatic(field.getModifiers()) || property == null) {
                continue;
            }
            Class<?> valueType = valueType(field);
            JSONSchemaProps valueSchema = KubernetesDescriptions.valueSchema(property);
            kubernetes
                    .definitionOf(valueType)
                    .ifPresentOrElse(
                            definition -> kubernetes.describe(definition, valueSchema),
                            () -> describeKubernetesTypes(valueType, valueSchema));
        }
    }

    /** The type of a field, or of its elements when it is a list or a map. */
    private static Class<?> valueType(Field field) {
        if ((Collection.class.isAssignableFrom(field.getType())
                        || Map.class.isAssignableFrom(field.getType()))
                && field.getGenericType() instanceof ParameterizedType generic) {
            Type[] arguments = generic.getActualTypeArguments();
            if (arguments[arguments.length - 1] instanceof Class<?> value) {
                return value;
            }
        }
        return field.getType();
    }

    /**
     * At most {@link #MAX_RESOURCES} of each, and each a quantity greater than zero, as a string or
     * an integer.
     */
    private static void boundResources(JSONSchemaProps resources) {
        for (String map : List.of("requests", "limits")) {
            JSONSchemaProps quantities = resources.getProperties().get(map);
            if (quantities != null) {
                quantities.setMaxProperties(MAX_RESOURCES);
                JSONSchemaProps quantity = quantities.getAdditionalProperties().getSchema();
                quantity.setPattern(Patterns.POSITIVE_QUANTITY);
                quantity.setMinimum(1.0);
            }
        }
    }

    /**
     * The generator leaves an int-or-string without bounds; JSON Schema applies minimum and maximum
     * to its integers only and maxLength and pattern to its strings only, so both can stand on the
     * one schema.
     */
    private static void boundIntOrString(Field field, JSONSchemaProps property) {
        Min min = field.getAnnotation(Min.class);
        if (min != null) {
            property.setMinimum(min.value());
        }
        Max max = field.getAnnotation(Max.class);
        if (max != null) {
            property.setMaximum(max.value());
        }
        Size size = field.getAnnotation(Size.class);
        if (size != null) {
            property.setMinLength(size.min());
            property.setMaxLength(size.max());
        }
        Pattern pattern = field.getAnnotation(Pattern.class);
        if (pattern != null) {
            property.setPattern(pattern.value());
        }
    }

    /**
     * Walks the class and its schema together, setting item maxLength and pattern where a field
     * asks for them.
     */
    private static void applyItemConstraints(Class<?> type, JSONSchemaProps schema) {
        if (schema == null
                || schema.getProperties() == null
                || !type.getPackageName().equals(Items.class.getPackageName())) {
            return;
        }
        for (Field field : type.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            JSONSchemaProps property = schema.getProperties().get(field.getName());
            if (property == null) {
                continue;
            }
            if (field.getType() == ResourceRequirements.class) {
                boundResources(property);
                continue;
            }
            if (field.getType() == IntOrString.class) {
                boundIntOrString(field, property);
                continue;
            }
            Items items = field.getAnnotation(Items.class);
            if (items != null
                    && property.getItems() != null
                    && property.getItems().getSchema() != null) {
                JSONSchemaProps item = property.getItems().getSchema();
                item.setMaxLength((long) items.maxLength());
                if (!items.pattern().isEmpty()) {
                    item.setPattern(items.pattern());
                }
            }
            if (Collection.class.isAssignableFrom(field.getType())
                    && field.getGenericType() instanceof ParameterizedType list
                    && list.getActualTypeArguments()[0] instanceof Class<?> element
                    && property.getItems() != null) {
                applyItemConstraints(element, property.getItems().getSchema());
            } else {
                applyItemConstraints(field.getType(), property);
            }
        }
    }
}
