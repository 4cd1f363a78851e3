package org.reef.mqtt.transport;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the TLS listeners (TLS and WSS) find their key and, for client certificates, the certificates they trust.
 * Without a {@code TlsConfig} the broker opens no TLS listener at all, so a deployment never serves TLS with a
 * half-configured key.
 *
 * <p>The passwords are kept as given (the resource adapter reads them from String config-properties anyway) and are
 * masked in {@link #toString()}, so that logging a configuration never shows them.
 *
 * @param keystore           PKCS12 or JKS file holding the server's private key and certificate chain
 * @param keystorePassword   password of the keystore and of its key entry
 * @param keystoreType       {@value #PKCS12} (default when {@code null}) or {@value #JKS}; also the truststore's type
 * @param truststore         certificates a client certificate must chain to; {@code null} when clients are not
 *                           authenticated by certificate
 * @param truststorePassword password of the truststore; may be {@code null} (certificates only)
 * @param clientAuth         whether a client certificate is asked for; {@code null} means {@link ClientAuth#NONE}
 */
public record TlsConfig(Path keystore, String keystorePassword, String keystoreType, Path truststore,
                        String truststorePassword, ClientAuth clientAuth) {

    public static final String PKCS12 = "PKCS12";
    public static final String JKS = "JKS";

    /** Whether the server asks for a client certificate during the TLS handshake (RFC 8446 section 4.3.2). */
    public enum ClientAuth {
        /** No client certificate is asked for. */
        NONE,
        /** A client certificate is asked for; a client without one still connects, an untrusted one does not. */
        OPTIONAL,
        /** A client without a trusted certificate fails the handshake. */
        REQUIRE;

        /** Parses a config-property value, ignoring case; blank means {@link #NONE}. */
        public static ClientAuth parse(String value) {
            if (value == null || value.isBlank()) {
                return NONE;
            }
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "tls client auth must be NONE, OPTIONAL or REQUIRE, not '" + value + "'", e);
            }
        }
    }

    public TlsConfig {
        Objects.requireNonNull(keystore, "keystore path is required for TLS");
        if (keystorePassword == null) {
            throw new IllegalArgumentException("keystore password is required for TLS (keystore " + keystore + ")");
        }
        keystoreType = keystoreType == null || keystoreType.isBlank()
                ? PKCS12 : keystoreType.trim().toUpperCase(Locale.ROOT);
        if (!PKCS12.equals(keystoreType) && !JKS.equals(keystoreType)) {
            throw new IllegalArgumentException("keystore type must be PKCS12 or JKS, not '" + keystoreType + "'");
        }
        clientAuth = clientAuth == null ? ClientAuth.NONE : clientAuth;
        if (clientAuth != ClientAuth.NONE && truststore == null) {
            throw new IllegalArgumentException("tls client auth " + clientAuth
                    + " needs a truststore holding the certificates client certificates must chain to");
        }
    }

    /**
     * Builds the configuration from the resource adapter's String config-properties.
     *
     * @return {@code null} when no keystore path is given: TLS listeners stay off
     */
    public static TlsConfig fromProperties(String keystorePath, String keystorePassword, String keystoreType,
                                           String truststorePath, String truststorePassword, String clientAuth) {
        if (keystorePath == null || keystorePath.isBlank()) {
            return null;
        }
        Path truststore = truststorePath == null || truststorePath.isBlank() ? null : Path.of(truststorePath.trim());
        return new TlsConfig(Path.of(keystorePath.trim()), keystorePassword, keystoreType, truststore,
                truststorePassword, ClientAuth.parse(clientAuth));
    }

    @Override
    public String toString() {
        return "TlsConfig[keystore=" + keystore + ", keystoreType=" + keystoreType + ", truststore=" + truststore
                + ", clientAuth=" + clientAuth + ", passwords masked]";
    }
}
