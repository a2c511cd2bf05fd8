/**
 * Validation, normalisation and hashing of Environment specs, in plain Java.
 *
 * <p>{@link dev.terrarium.requirements.CondaMatchSpec} and {@link
 * dev.terrarium.requirements.Pep508Requirement} parse conda match specs and PEP 508 requirements
 * and print them in one canonical form; {@link dev.terrarium.requirements.EnvironmentYml} and
 * {@link dev.terrarium.requirements.RequirementsTxt} read the verbatim files, and {@link
 * dev.terrarium.requirements.PylockToml} checks a PEP 751 lock that is installed as it is. {@link
 * dev.terrarium.requirements.EnvironmentNormalizer} turns a spec into a {@link
 * dev.terrarium.api.ResolvedEnvironment} or a list of {@link
 * dev.terrarium.requirements.Violation}s, and {@link dev.terrarium.requirements.SpecHasher} hashes
 * the resolved environment with the builder into the content hash that tags the image.
 */
package dev.terrarium.requirements;
