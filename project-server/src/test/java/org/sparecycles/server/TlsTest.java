package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.server.config.ServerConfig;
import org.sparecycles.workunits.protocol.HealthStatus;

/** The server serves HTTPS itself from a configured PKCS#12 keystore (docs/security.md#https). */
class TlsTest {
    private static final String PASSWORD = "keystore-password";

    @TempDir
    Path tmp;

    /** A self-signed certificate for localhost and 127.0.0.1, made by the JDK's keytool. */
    private Path selfSignedKeystore() throws Exception {
        Path keystore = tmp.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "sparecycles", "-keyalg", "EC",
                "-groupname", "secp256r1", "-validity", "2", "-dname", "CN=localhost",
                "-ext", "san=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool did not finish");
        assertEquals(0, p.exitValue(), "keytool failed: " + out);
        return keystore;
    }

    private static HttpClient trusting(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(10)).build();
    }

    @Test
    void servesTheApiAndSecureCookiesOverHttpsWithTheConfiguredKeystore() throws Exception {
        Path keystore = selfSignedKeystore();
        try (TestServer t = TestServer.start(tmp.resolve("data"), b -> b.tls(keystore, PASSWORD, 0))) {
            URI https = t.server.httpsUri().orElseThrow();
            assertEquals("https", https.getScheme());
            assertTrue(t.server.tlsPort() > 0 && t.server.tlsPort() != t.server.port());
            HttpClient client = trusting(keystore);

            HttpResponse<byte[]> health = client.send(HttpRequest.newBuilder(https.resolve("api/v1/health")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, health.statusCode());
            assertEquals("ok", org.sparecycles.workunits.json.Json.mapper().readValue(health.body(),
                    HealthStatus.class).status());

            List<String> secureCookies = client.send(HttpRequest.newBuilder(https.resolve("login")).build(),
                    HttpResponse.BodyHandlers.discarding()).headers().allValues("Set-Cookie");
            assertFalse(secureCookies.isEmpty(), "the log-in form sets its pre-session cookie");
            assertTrue(secureCookies.stream().allMatch(c -> c.contains("Secure")), secureCookies.toString());
            List<String> plainCookies = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    t.server.baseUri().resolve("login")).build(), HttpResponse.BodyHandlers.discarding()).headers()
                    .allValues("Set-Cookie");
            assertTrue(plainCookies.stream().noneMatch(c -> c.contains("Secure")), plainCookies.toString());

            HttpClient stranger = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            assertThrows(SSLHandshakeException.class, () -> stranger.send(HttpRequest.newBuilder(
                    https.resolve("api/v1/health")).build(), HttpResponse.BodyHandlers.discarding()),
                    "a client that does not trust the certificate refuses the connection");
        }
    }

    @Test
    void wrongKeystorePasswordStopsTheStartNamingTheKey() throws Exception {
        Path keystore = selfSignedKeystore();
        ServerConfig config = ServerConfig.builder().port(0).dataDir(tmp.resolve("data2"))
                .tls(keystore, "not-the-password", 0).build();
        RuntimeException e = assertThrows(RuntimeException.class, () -> ProjectServer.start(config).close());
        assertTrue(e.getMessage().contains("tls.keystore") && e.getMessage().contains("password"), e.getMessage());
    }
}
