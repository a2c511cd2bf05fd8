package dev.terrarium.buildcontext;

/** The tool that installs the pip requirements of a venv environment. */
public enum Installer {
    /** uv, run from its own tools venv so that it never appears in the environment or its lock. */
    UV,
    /** The venv's own pip; slower, kept to compare against uv. */
    PIP
}
