package dev.terrarium.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;

/**
 * The layering of the operator's packages, checked on the compiled classes: the API model stands
 * alone, parsing and build-context generation are pure functions of it, reconcilers sit on top and
 * nothing depends on them, and the dependent package holds only dependent resources.
 */
@AnalyzeClasses(packages = "dev.terrarium", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    @ArchTest
    static final ArchRule apiImportsNothingOfOurs =
            noClasses()
                    .that()
                    .resideInAPackage("dev.terrarium.api..")
                    .should()
                    .dependOnClassesThat()
                    .resideOutsideOfPackages(
                            "dev.terrarium.api..",
                            "java..",
                            "javax..",
                            "com.fasterxml.jackson..",
                            "io.fabric8..")
                    .because(
                            "the API classes are what users write; they import nothing of the operator's");

    @ArchTest
    static final ArchRule parsersImportOnlyTheApi =
            classes()
                    .that()
                    .resideInAnyPackage(
                            "dev.terrarium.requirements..", "dev.terrarium.buildcontext..")
                    .should()
                    .onlyDependOnClassesThat()
                    .resideInAnyPackage(
                            "dev.terrarium.api..",
                            "dev.terrarium.requirements..",
                            "dev.terrarium.buildcontext..",
                            "java..",
                            "com.fasterxml.jackson..",
                            "io.fabric8.kubernetes.api.model..")
                    .because(
                            "parsing, normalisation, hashing and Dockerfile generation are pure functions of the API");

    @ArchTest
    static final ArchRule nothingImportsReconcilers =
            noClasses()
                    .that()
                    .resideOutsideOfPackage("dev.terrarium.reconciler..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage("dev.terrarium.reconciler..")
                    .because("reconcilers orchestrate; what they use lives elsewhere");

    @ArchTest
    static final ArchRule dependentHoldsDependentResources =
            classes()
                    .that()
                    .resideInAPackage("dev.terrarium.dependent..")
                    .and()
                    .areTopLevelClasses()
                    .should()
                    .beAssignableTo(KubernetesDependentResource.class)
                    .because(
                            "the dependent package is for the workflow's dependent resources only");

    @ArchTest
    static final ArchRule noCycles =
            slices().matching("dev.terrarium.(*)..").should().beFreeOfCycles();
}
