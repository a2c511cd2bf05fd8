package dev.terrarium.api;

/** How a conda channel host takes its credentials. */
public enum ChannelAuthScheme {
    /**
     * HTTP basic auth: username and password, or a token as the password (Artifactory, Nexus, a web
     * server with a password file).
     */
    Basic,
    /** The token in an {@code Authorization: Bearer} header (prefix.dev). */
    Bearer,
    /** The token in the URL's path, {@code /t/<token>/} (anaconda.org, quetz). */
    CondaToken
}
