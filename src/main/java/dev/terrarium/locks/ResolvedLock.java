package dev.terrarium.locks;

import dev.terrarium.buildcontext.BuildContextGenerator;

/**
 * The resolved lock a build printed.
 *
 * @param text the lock exactly as the image holds it in {@link BuildContextGenerator#LOCK_FILE}: the output of
 *     {@code micromamba env export} or of {@code uv pip freeze} / {@code pip freeze}, lines ending in a newline
 * @param packages how many packages the lock pins
 */
public record ResolvedLock(String text, int packages) {
}
