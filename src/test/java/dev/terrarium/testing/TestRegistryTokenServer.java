package dev.terrarium.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A token server for a registry in token auth mode, the role Docker Hub's {@code auth.docker.io}
 * plays: it checks a user's password (or identity token) and issues JWTs that grant the requested
 * {@code repository:<name>:<actions>} scopes; anonymous callers get a token granting nothing.
 *
 * <p>Tokens are what distribution 2.8 verifies ({@code registry/auth/token/token.go}): RS256 over
 * the compact JWS, the signing certificate in the {@code x5c} header (chained to the registry's
 * {@code rootcertbundle}), {@code iss} equal to the configured issuer and {@code aud} a string
 * equal to the registry's {@code service}.
 */
public final class TestRegistryTokenServer implements AutoCloseable {

    /**
     * The registry's {@code service}, sent back by it in challenges and checked as the tokens'
     * audience.
     */
    public static final String SERVICE = "terrarium-test-registry";

    /** The tokens' issuer, configured in the registry. */
    public static final String ISSUER = "terrarium-test-token-issuer";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final HttpServer server;
    private final String user;
    private final String password;
    private final String identityToken;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile long expiresInSeconds = 300;
    private volatile boolean reportExpiry = true;
    private volatile PrivateKey signingKey;
    private volatile String certificateBase64;

    private TestRegistryTokenServer(
            HttpServer server, String user, String password, String identityToken) {
        this.server = server;
        this.user = user;
        this.password = password;
        this.identityToken = identityToken;
    }

    /**
     * Starts a token server on a free loopback port that knows one user, who may also present
     * {@code identityToken} as an OAuth2 refresh token.
     */
    public static TestRegistryTokenServer start(
            String user, String password, String identityToken) {
        try {
            HttpServer server =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            TestRegistryTokenServer tokenServer =
                    new TestRegistryTokenServer(server, user, password, identityToken);
            server.createContext("/token", tokenServer::handle);
            server.start();
            return tokenServer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The token endpoint, for the registry's {@code realm}. */
    public String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** Starts signing with the key and certificate the registry trusts. */
    public void signWith(Path pkcs8KeyPem, Path certificatePem) {
        try {
            byte[] keyDer = pemBody(Files.readString(pkcs8KeyPem), "PRIVATE KEY");
            signingKey =
                    KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(keyDer));
            byte[] certificatePemBytes = Files.readAllBytes(certificatePem);
            X509Certificate certificate =
                    (X509Certificate)
                            CertificateFactory.getInstance("X.509")
                                    .generateCertificate(
                                            new ByteArrayInputStream(certificatePemBytes));
            certificateBase64 = Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the token signing key", e);
        }
    }

    /**
     * Lifetime of the tokens issued from now on; {@code reported=false} leaves {@code expires_in}
     * out.
     */
    public void setExpiresIn(long seconds, boolean reported) {
        expiresInSeconds = seconds;
        reportExpiry = reported;
    }

    /** Each token request so far, as {@code METHOD scope=...}. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                issue(exchange);
            } catch (RuntimeException e) {
                respond(
                        exchange,
                        500,
                        Map.of("error", "server_error", "error_description", String.valueOf(e)));
            }
        }
    }

    private void issue(HttpExchange exchange) throws IOException {
        Map<String, String> parameters =
                new LinkedHashMap<>(decodeForm(exchange.getRequestURI().getRawQuery()));
        if (exchange.getRequestMethod().equals("POST")) {
            parameters.putAll(
                    decodeForm(
                            new String(
                                    exchange.getRequestBody().readAllBytes(),
                                    StandardCharsets.UTF_8)));
        }
        requests.add(exchange.getRequestMethod() + " scope=" + parameters.get("scope"));

        String subject = authenticate(exchange, parameters);
        if (subject == null) {
            respond(
                    exchange,
                    401,
                    Map.of(
                            "errors",
                            List.of(
                                    Map.of(
                                            "code",
                                            "UNAUTHORIZED",
                                            "message",
                                            "invalid username, password or refresh token"))));
            return;
        }
        if (!SERVICE.equals(parameters.get("service"))) {
            respond(
                    exchange,
                    400,
                    Map.of("error", "invalid_request", "error_description", "unknown service"));
            return;
        }
        List<Map<String, Object>> access = new ArrayList<>();
        String scope = parameters.get("scope");
        if (!subject.isEmpty() && scope != null) {
            for (String oneScope : scope.split(" ")) {
                String[] parts = oneScope.split(":");
                if (parts.length == 3) {
                    access.add(
                            Map.of(
                                    "type",
                                    parts[0],
                                    "name",
                                    parts[1],
                                    "actions",
                                    List.of(parts[2].split(","))));
                }
            }
        }
        String token = token(subject, access);
        Map<String, Object> body = new LinkedHashMap<>();
        // Docker's token servers send "token"; OAuth2 ones send "access_token": clients must read
        // either.
        body.put(exchange.getRequestMethod().equals("POST") ? "access_token" : "token", token);
        if (reportExpiry) {
            body.put("expires_in", expiresInSeconds);
        }
        body.put("issued_at", Instant.now().toString());
        respond(exchange, 200, body);
    }

    /**
     * The subject the request proves, {@code ""} for an anonymous one, or {@code null} for wrong
     * credentials.
     */
    private String authenticate(HttpExchange exchange, Map<String, String> parameters) {
        if ("refresh_token".equals(parameters.get("grant_type"))) {
            return identityToken != null && identityToken.equals(parameters.get("refresh_token"))
                    ? user
                    : null;
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null) {
            return "";
        }
        if (!authorization.startsWith("Basic ")) {
            return null;
        }
        String pair =
                new String(
                        Base64.getDecoder().decode(authorization.substring(6)),
                        StandardCharsets.UTF_8);
        return pair.equals(user + ":" + password) ? user : null;
    }

    private String token(String subject, List<Map<String, Object>> access) {
        if (signingKey == null) {
            throw new IllegalStateException("signWith was not called");
        }
        long now = Instant.now().getEpochSecond();
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("typ", "JWT");
        header.put("alg", "RS256");
        header.put("x5c", List.of(certificateBase64));
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("sub", subject);
        claims.put("aud", SERVICE);
        claims.put("exp", now + expiresInSeconds);
        claims.put("nbf", now - 1);
        claims.put("iat", now);
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("access", access);
        try {
            String signingInput =
                    BASE64URL.encodeToString(JSON.writeValueAsBytes(header))
                            + "."
                            + BASE64URL.encodeToString(JSON.writeValueAsBytes(claims));
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(signingKey);
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + BASE64URL.encodeToString(rs256.sign());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
    }

    private static void respond(HttpExchange exchange, int status, Map<String, ?> body)
            throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static Map<String, String> decodeForm(String form) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (form == null || form.isEmpty()) {
            return fields;
        }
        for (String pair : form.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            fields.put(
                    URLDecoder.decode(name, StandardCharsets.UTF_8),
                    URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return fields;
    }

    private static byte[] pemBody(String pem, String type) {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < 0) {
            throw new IllegalArgumentException("no " + type + " PEM block");
        }
        return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    }
}
