package dev.terrarium.registry;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The proxy the operator's registry client goes through for a URL: the builds' proxy settings, read
 * as Go programs read HTTP_PROXY, HTTPS_PROXY and NO_PROXY (golang.org/x/net/http/httpproxy), since
 * the registry the builds push to is reached the same way by the operator that looks their images
 * up. {@code NO_PROXY} holds {@code *} (everything direct), hosts ({@code example.com}: it and its
 * subdomains), domains ({@code .example.com} or {@code *.example.com}: its subdomains only), IP
 * addresses and CIDRs, each optionally with {@code :port}. Loopback hosts are never proxied.
 */
public final class ProxyRoutes extends ProxySelector {

    private static final List<Proxy> DIRECT = List.of(Proxy.NO_PROXY);

    /** An IPv4 address, or an IPv6 one (it has a colon), without brackets. */
    private static final Pattern IP_LITERAL =
            Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*");

    private final Proxy http;
    private final Proxy https;
    private final List<String> noProxy;

    /**
     * @param httpProxy {@code http://host:port} for http URLs, or null
     * @param httpsProxy {@code http(s)://host:port} for https URLs, or null
     * @param noProxy the comma-separated exceptions, or null
     */
    public ProxyRoutes(String httpProxy, String httpsProxy, String noProxy) {
        this.http = proxy(httpProxy);
        this.https = proxy(httpsProxy);
        List<String> entries = new ArrayList<>();
        if (noProxy != null) {
            for (String entry : noProxy.split(",", -1)) {
                String trimmed = entry.strip().toLowerCase(Locale.ROOT);
                if (!trimmed.isEmpty()) {
                    entries.add(trimmed);
                }
            }
        }
        this.noProxy = List.copyOf(entries);
    }

    /** Whether a proxy is set at all; without one the client needs no selector. */
    public boolean proxied() {
        return http != null || https != null;
    }

    @Override
    public List<Proxy> select(URI uri) {
        if (uri == null) {
            throw new IllegalArgumentException("uri");
        }
        Proxy proxy = "https".equalsIgnoreCase(uri.getScheme()) ? https : http;
        if (proxy == null || uri.getHost() == null) {
            return DIRECT;
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : defaultPort(uri.getScheme());
        return direct(uri.getHost(), port) ? DIRECT : List.of(proxy);
    }

    @Override
    public void connectFailed(URI uri, SocketAddress address, IOException failure) {
        // The client reports the failure to its caller; there is no other proxy to try.
    }

    /** Whether a request to {@code host:port} goes direct: loopback, or matched by NO_PROXY. */
    boolean direct(String rawHost, int port) {
        String host = rawHost.toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.equals("localhost") || loopback(host)) {
            return true;
        }
        for (String entry : noProxy) {
            if (entry.equals("*") || matches(entry, host, port)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String entry, String host, int port) {
        String pattern = entry;
        int entryPort = -1;
        int colon = pattern.lastIndexOf(':');
        if (colon > 0 && pattern.indexOf(':') == colon && !pattern.contains("/")) {
            entryPort = parsePort(pattern.substring(colon + 1));
            pattern = pattern.substring(0, colon);
        } else if (pattern.startsWith("[") && pattern.contains("]:")) {
            entryPort = parsePort(pattern.substring(pattern.indexOf("]:") + 2));
            pattern = pattern.substring(1, pattern.indexOf("]:"));
        }
        if (entryPort >= 0 && entryPort != port) {
            return false;
        }
        if (pattern.startsWith("[") && pattern.endsWith("]")) {
            pattern = pattern.substring(1, pattern.length() - 1);
        }
        if (pattern.contains("/")) {
            return inCidr(pattern, host);
        }
        if (IP_LITERAL.matcher(pattern).matches() && IP_LITERAL.matcher(host).matches()) {
            return sameAddress(pattern, host);
        }
        if (pattern.startsWith("*.")) {
            pattern = pattern.substring(1);
        }
        if (pattern.startsWith(".")) {
            return host.endsWith(pattern);
        }
        return host.equals(pattern) || host.endsWith("." + pattern);
    }

    private static boolean inCidr(String cidr, String host) {
        if (!IP_LITERAL.matcher(host).matches()) {
            return false;
        }
        String[] parts = cidr.split("/", 2);
        try {
            byte[] network = literal(parts[0]).getAddress();
            byte[] address = literal(host).getAddress();
            int bits = Integer.parseInt(parts[1]);
            if (network.length != address.length || bits < 0 || bits > network.length * 8) {
                return false;
            }
            int shift = network.length * 8 - bits;
            return new BigInteger(1, network)
                    .shiftRight(shift)
                    .equals(new BigInteger(1, address).shiftRight(shift));
        } catch (UnknownHostException | NumberFormatException e) {
            return false;
        }
    }

    private static boolean sameAddress(String a, String b) {
        try {
            return literal(a).equals(literal(b));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean loopback(String host) {
        if (!IP_LITERAL.matcher(host).matches()) {
            return false;
        }
        try {
            return literal(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * The address of an IP literal, never a name lookup: InetAddress looks up only what is not a
     * literal, and only what {@link #IP_LITERAL} matches comes here.
     */
    private static InetAddress literal(String ip) throws UnknownHostException {
        return InetAddress.getByName(ip);
    }

    private static int parsePort(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -2;
        }
    }

    private static int defaultPort(String scheme) {
        return "https".equalsIgnoreCase(scheme) ? 443 : 80;
    }

    private static Proxy proxy(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        URI uri = URI.create(url.strip());
        int port = uri.getPort() >= 0 ? uri.getPort() : defaultPort(uri.getScheme());
        return new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(uri.getHost(), port));
    }
}
