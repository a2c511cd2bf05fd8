package dev.terrarium.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The trust of the operator's registry client: the JVM's own CAs plus those of a PEM file
 * (terrarium.registry.ca-file), so that a registry behind a private CA is reached over verified TLS
 * while public registries still are too. The file is read once, when the operator starts: the chart
 * mounts the CA bundle ConfigMap as a file, so the operator needs no API access to it, and a
 * changed bundle takes effect at the next restart.
 */
public final class TrustedCertificates {

    static final String SETTING = "terrarium.registry.ca-file (TERRARIUM_REGISTRY_CA_FILE)";

    private TrustedCertificates() {}

    /**
     * A TLS context that trusts the JVM's default CAs and every certificate in {@code pemFile}.
     *
     * @throws IllegalArgumentException when the file cannot be read or holds no certificate, with
     *     the setting's name and the file's path
     */
    public static SSLContext sslContext(Path pemFile) {
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int index = 0;
            for (X509Certificate certificate : defaultTrust().getAcceptedIssuers()) {
                trusted.setCertificateEntry("default-" + index++, certificate);
            }
            Collection<? extends Certificate> extra = certificates(pemFile);
            if (extra.isEmpty()) {
                throw new IllegalArgumentException(
                        SETTING + " " + pemFile + " holds no PEM certificate");
            }
            index = 0;
            for (Certificate certificate : extra) {
                trusted.setCertificateEntry("ca-file-" + index++, certificate);
            }
            TrustManagerFactory factory =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    SETTING
                            + " "
                            + pemFile
                            + " cannot be read as PEM certificates: "
                            + e.getMessage(),
                    e);
        }
    }

    private static Collection<? extends Certificate> certificates(Path pemFile)
            throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pemFile)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
    }

    private static X509TrustManager defaultTrust() throws GeneralSecurityException {
        TrustManagerFactory factory =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (var manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("the JVM has no X.509 trust manager");
    }
}
