/**
 * Validation, normalisation and hashing of Environment specs, in plain Java.
 *
 * <p>{@link dev.terrarium.spec.CondaMatchSpec} and {@link dev.terrarium.spec.Pep508Requirement} parse conda match
 * specs and PEP 508 requirements and print them in one canonical form; {@link dev.terrarium.spec.EnvironmentYml} and
 * {@link dev.terrarium.spec.RequirementsTxt} read the verbatim files. {@link dev.terrarium.spec.EnvironmentNormalizer}
 * turns a spec into a {@link dev.terrarium.api.ResolvedEnvironment} or a list of
 * {@link dev.terrarium.spec.Violation}s, and {@link dev.terrarium.spec.SpecHasher} hashes the resolved environment
 * with the builder into the content hash that tags the image.
 */
package dev.terrarium.spec;
