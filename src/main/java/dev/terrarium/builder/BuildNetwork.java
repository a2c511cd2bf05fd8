package dev.terrarium.builder;

import dev.terrarium.api.Patterns;
import dev.terrarium.buildcontext.InputRules;
import dev.terrarium.requirements.PipIndexRules;
import java.util.regex.Pattern;

/**
 * How builds reach the network, from the operator's settings: a PyPI mirror, a CA bundle and
 * proxies. None of it is part of the content hash: a mirror serves the same packages, and a CA or a
 * proxy only changes the way there. An image built through one mirror, CA or proxy is therefore
 * taken as it is by a spec built after a setting changed; only new builds use the new setting.
 *
 * <p>Every value is checked here, where the operator starts, so that a value no build could use
 * stops the operator with the setting's name instead of failing every build: the mirror by the URL
 * rules of spec.pipIndexes ({@link PipIndexRules#refusal}), since it is written into the same
 * requirements files; the CA bundle as a ConfigMap name and key; the proxies as {@code
 * http(s)://host[:port]} without credentials, since they are written into every build pod's spec
 * and every ImageBuild, which tenants read.
 *
 * @param pipIndexUrl index URL of builds whose Environment names none, or null
 * @param caBundle a ConfigMap in the build namespace holding the PEM CA bundle, or null
 * @param caBundleKey the key of {@code caBundle} that holds it
 * @param httpProxy HTTP_PROXY of build pods, or null
 * @param httpsProxy HTTPS_PROXY of build pods, or null
 * @param noProxy NO_PROXY of build pods, or null
 */
public record BuildNetwork(
        String pipIndexUrl,
        String caBundle,
        String caBundleKey,
        String httpProxy,
        String httpsProxy,
        String noProxy) {

    /** The key of the CA bundle ConfigMap read when no other is set. */
    public static final String DEFAULT_CA_BUNDLE_KEY = "ca.crt";

    static final String PIP_INDEX_URL = "terrarium.builds.pip-index-url";
    static final String CA_BUNDLE = "terrarium.builds.ca-bundle";
    static final String CA_BUNDLE_KEY = "terrarium.builds.ca-bundle-key";
    static final String HTTP_PROXY = "terrarium.builds.http-proxy";
    static final String HTTPS_PROXY = "terrarium.builds.https-proxy";
    static final String NO_PROXY = "terrarium.builds.no-proxy";

    private static final Pattern OBJECT_NAME = Pattern.compile(Patterns.OBJECT_NAME);
    private static final Pattern CONFIG_MAP_KEY = Pattern.compile("[-._a-zA-Z0-9]{1,253}");
    private static final Pattern PROXY =
            Pattern.compile(
                    "https?://([A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]{2,45}\\])"
                            + "(:[0-9]{1,5})?/?");
    private static final Pattern NO_PROXY_LIST =
            Pattern.compile("[A-Za-z0-9.*:/\\[\\]_-]+(,[A-Za-z0-9.*:/\\[\\]_-]+)*");

    /** No mirror, no CA bundle, no proxy: the tools' defaults. */
    public static final BuildNetwork NONE =
            new BuildNetwork(null, null, DEFAULT_CA_BUNDLE_KEY, null, null, null);

    public BuildNetwork {
        caBundleKey = caBundleKey == null ? DEFAULT_CA_BUNDLE_KEY : caBundleKey;
        if (pipIndexUrl != null) {
            String url = pipIndexUrl;
            PipIndexRules.refusal(url)
                    .ifPresent(reason -> refuse(PIP_INDEX_URL, withoutCredentials(url), reason));
        }
        if (caBundle != null
                && (caBundle.length() > 253 || !OBJECT_NAME.matcher(caBundle).matches())) {
            refuse(CA_BUNDLE, caBundle, "must be the name of a ConfigMap in the build namespace");
        }
        if (!CONFIG_MAP_KEY.matcher(caBundleKey).matches()
                || caBundleKey.equals(".")
                || caBundleKey.equals("..")) {
            refuse(CA_BUNDLE_KEY, caBundleKey, "must be a ConfigMap key");
        }
        proxy(HTTP_PROXY, httpProxy);
        proxy(HTTPS_PROXY, httpsProxy);
        if (noProxy != null
                && (noProxy.length() > 4096 || !NO_PROXY_LIST.matcher(noProxy).matches())) {
            refuse(
                    NO_PROXY,
                    noProxy,
                    "must be hosts, domains (.example.com), IP addresses or CIDRs, separated by "
                            + "commas without spaces");
        }
    }

    /** Whether any proxy is set. */
    public boolean proxied() {
        return httpProxy != null || httpsProxy != null || noProxy != null;
    }

    /** The environment variable that sets a setting: upper case, every . and - an _. */
    static String variable(String setting) {
        return setting.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static void proxy(String setting, String url) {
        if (url == null) {
            return;
        }
        if (url.contains("@")) {
            refuse(
                    setting,
                    withoutCredentials(url),
                    "credentials in a proxy URL are not supported: the URL is in every build pod's "
                            + "spec and every ImageBuild, which tenants can read");
        }
        if (!PROXY.matcher(url).matches()) {
            refuse(setting, url, "must be http://host:port or https://host:port");
        }
    }

    /** The URL with what precedes an {@code @} in its authority replaced, for a message. */
    private static String withoutCredentials(String url) {
        return url.replaceAll("//[^/?#@]*@", "//***@");
    }

    private static void refuse(String setting, String value, String reason) {
        throw new IllegalArgumentException(
                setting
                        + " ("
                        + variable(setting)
                        + ") "
                        + InputRules.printable(value)
                        + ": "
                        + reason);
    }
}
