package org.sparecycles.server.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** The server's TLS context, from a PKCS#12 keystore holding its key and certificate chain. */
public final class TlsContext {
    private TlsContext() {
    }

    /**
     * @param password the keystore's password, which must also be its key's (as {@code keytool} and
     *                 {@code openssl pkcs12} make them)
     * @throws IllegalStateException naming the keystore when it cannot be read, the password is wrong or it
     *                               holds no key
     */
    public static SSLContext fromKeystore(Path keystore, String password) {
        char[] secret = password.toCharArray();
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, secret);
            boolean hasKey = false;
            for (String alias : java.util.Collections.list(store.aliases())) {
                hasKey |= store.isKeyEntry(alias);
            }
            if (!hasKey) {
                throw new IllegalStateException("tls.keystore " + keystore + " holds no private key");
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, secret);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException e) {
            if (e.getCause() instanceof java.security.UnrecoverableKeyException) {
                throw new IllegalStateException("tls.keystore " + keystore + ": wrong tls.keystore.password", e);
            }
            throw new UncheckedIOException("tls.keystore " + keystore + ": cannot read it (" + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("tls.keystore " + keystore + ": " + e.getMessage(), e);
        }
    }
}
