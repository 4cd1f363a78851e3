package org.reef.mqtt.transport;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Collections;

/**
 * Builds the server's {@link SslContext} from a {@link TlsConfig}, once per server start, so every TLS connection
 * shares one context and a bad keystore fails the start instead of the first handshake.
 *
 * <p>Only TLS 1.3 and 1.2 are offered: MQTT 5.0 section 5.4.9 leaves the TLS version to the implementation, and
 * older versions are deprecated by RFC 8996. The JDK provider keeps the adapter free of native libraries.
 */
final class TlsContextFactory {

    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsContextFactory() {
    }

    /**
     * @throws IllegalStateException if a store cannot be read, a password is wrong, or the keystore holds no key;
     *                               the message names the file, never a password
     */
    static SslContext serverContext(TlsConfig tls) {
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(keyManagers(tls))
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .clientAuth(clientAuth(tls.clientAuth()));
            if (tls.truststore() != null) {
                builder.trustManager(trustManagers(tls));
            }
            return builder.build();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS from keystore " + tls.keystore()
                    + (tls.truststore() == null ? "" : " and truststore " + tls.truststore()) + ": " + e,
                    e);
        }
    }

    private static KeyManagerFactory keyManagers(TlsConfig tls) throws IOException, GeneralSecurityException {
        char[] password = tls.keystorePassword().toCharArray();
        try {
            KeyStore keyStore = load(tls.keystore(), password, tls.keystoreType());
            boolean hasKey = false;
            for (String alias : Collections.list(keyStore.aliases())) {
                hasKey |= keyStore.isKeyEntry(alias);
            }
            if (!hasKey) {
                throw new GeneralSecurityException("the keystore holds no private key entry");
            }
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keyStore, password);
            return factory;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static TrustManagerFactory trustManagers(TlsConfig tls) throws IOException, GeneralSecurityException {
        char[] password = tls.truststorePassword() == null ? null : tls.truststorePassword().toCharArray();
        try {
            KeyStore trustStore = load(tls.truststore(), password, tls.keystoreType());
            if (trustStore.size() == 0) {
                throw new GeneralSecurityException("the truststore holds no certificate");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trustStore);
            return factory;
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }

    private static KeyStore load(Path file, char[] password, String type) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        }
        return store;
    }

    private static ClientAuth clientAuth(TlsConfig.ClientAuth mode) {
        return switch (mode) {
            case NONE -> ClientAuth.NONE;
            case OPTIONAL -> ClientAuth.OPTIONAL;
            case REQUIRE -> ClientAuth.REQUIRE;
        };
    }
}
