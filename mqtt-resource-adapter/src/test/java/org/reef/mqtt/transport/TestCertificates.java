package org.reef.mqtt.transport;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed key material made at test time with the JDK's {@code keytool}, so no key or certificate is checked in:
 * a server key whose certificate names 127.0.0.1, a client key the server trusts, and a stranger's key it does not.
 * All stores are PKCS12 with the password {@link #PASSWORD}.
 */
final class TestCertificates {

    static final String PASSWORD = "reef-test-secret";

    /** Server key and certificate (alias "server"). */
    final Path serverKeystore;
    /** The server's certificate alone: what clients trust. */
    final Path clientTruststore;
    /** The client's key and certificate (alias "client"). */
    final Path clientKeystore;
    /** The client's certificate alone: what the server trusts for client authentication. */
    final Path serverTruststore;
    /** A key and self-signed certificate nobody trusts. */
    final Path strangerKeystore;

    private TestCertificates(Path dir) {
        serverKeystore = dir.resolve("server.p12");
        clientTruststore = dir.resolve("client-trust.p12");
        clientKeystore = dir.resolve("client.p12");
        serverTruststore = dir.resolve("server-trust.p12");
        strangerKeystore = dir.resolve("stranger.p12");
    }

    static TestCertificates create(Path dir) throws IOException, InterruptedException {
        TestCertificates certificates = new TestCertificates(dir);
        certificates.generate(dir);
        return certificates;
    }

    private void generate(Path dir) throws IOException, InterruptedException {
        genKeyPair(serverKeystore, "server", "CN=reef-test-server", "SAN=ip:127.0.0.1,dns:localhost");
        genKeyPair(clientKeystore, "client", "CN=reef-test-client", null);
        genKeyPair(strangerKeystore, "stranger", "CN=reef-test-stranger", null);
        trustCertificateOf(serverKeystore, "server", clientTruststore, dir.resolve("server.crt"));
        trustCertificateOf(clientKeystore, "client", serverTruststore, dir.resolve("client.crt"));
    }

    /** TLS settings of the server: its key, and the client certificate trusted when client auth is asked for. */
    TlsConfig serverTls(TlsConfig.ClientAuth clientAuth) {
        return new TlsConfig(serverKeystore, PASSWORD, "PKCS12", serverTruststore, PASSWORD, clientAuth);
    }

    /** A client context that trusts the server; with {@code keystore}, it also presents that certificate. */
    SSLContext clientContext(Path keystore) throws IOException, GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keystore == null ? null : keyManagers(keystore).getKeyManagers(),
                trustManagers().getTrustManagers(), null);
        return context;
    }

    TrustManagerFactory trustManagers() throws IOException, GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(load(clientTruststore));
        return factory;
    }

    KeyManagerFactory keyManagers(Path keystore) throws IOException, GeneralSecurityException {
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(load(keystore), PASSWORD.toCharArray());
        return factory;
    }

    private static KeyStore load(Path file) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    private static void genKeyPair(Path keystore, String alias, String dname, String extension)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("-genkeypair", "-alias", alias, "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", dname, "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD));
        if (extension != null) {
            command.addAll(List.of("-ext", extension));
        }
        keytool(command);
    }

    private static void trustCertificateOf(Path keystore, String alias, Path truststore, Path certificate)
            throws IOException, InterruptedException {
        keytool(List.of("-exportcert", "-rfc", "-alias", alias, "-keystore", keystore.toString(),
                "-storepass", PASSWORD, "-file", certificate.toString()));
        keytool(List.of("-importcert", "-noprompt", "-alias", alias, "-file", certificate.toString(),
                "-storetype", "PKCS12", "-keystore", truststore.toString(), "-storepass", PASSWORD));
    }

    private static void keytool(List<String> arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(arguments);
        Path log = Files.createTempFile("keytool", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool did not finish in time: " + arguments.get(0));
            }
            if (process.exitValue() != 0) {
                throw new IOException("keytool " + arguments.get(0) + " failed: "
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
