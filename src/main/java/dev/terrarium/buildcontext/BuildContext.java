package dev.terrarium.buildcontext;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a builder needs besides the builder itself: the files of the build context, in a fixed
 * order, and the build arguments to pass with them.
 *
 * <p>The files become the keys of the context ConfigMap. Every value a user wrote reaches the build
 * either inside one of these files or as a build-argument value; the Dockerfile holds only text the
 * operator chose.
 *
 * @param files file name to content, Dockerfile first
 * @param buildArgs build-argument name to value, in the order the Dockerfile declares them
 */
public record BuildContext(Map<String, String> files, Map<String, String> buildArgs) {

    public static final String DOCKERFILE = "Dockerfile";

    /**
     * What terrarium-conda installs in a conda build: channels, match specs, pip requirements,
     * settings.
     */
    public static final String CONDA_REQUEST = "conda-request.json";

    public static final String REQUIREMENTS_TXT = "requirements.txt";

    /** The constraints of a requirements.txt's -c files, given to the install as -c. */
    public static final String CONSTRAINTS_TXT = "constraints.txt";

    /** A PEP 751 lock given as input, installed by uv as it is. */
    public static final String PYLOCK_TOML = "pylock.toml";

    public static final String SYSTEM_PACKAGES_TXT = "system-packages.txt";

    /**
     * The git+ssh URLs of the requirements as uv's freeze writes them (without their login) and as
     * the spec names them, a pair per line, for the lock step to put the logins back.
     */
    public static final String SSH_LOGINS_TXT = "ssh-logins.txt";

    public BuildContext {
        files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
        buildArgs = Collections.unmodifiableMap(new LinkedHashMap<>(buildArgs));
    }

    /** The generated Dockerfile. */
    public String dockerfile() {
        return files.get(DOCKERFILE);
    }

    /** The names of the context files, Dockerfile first. */
    public List<String> fileNames() {
        return List.copyOf(files.keySet());
    }
}
