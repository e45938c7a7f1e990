package org.sparecycles.workunits.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProjectSignerTest {
    @Test
    void bouncyCastleSignsWhenPresentAndGivesTheJdksBytes() throws Exception {
        ProjectSigner signer = ProjectSigner.generate();
        assertEquals("bouncycastle", signer.engine(), "Bouncy Castle is on this module's test class path");
        Random random = new Random(42);
        for (int length : new int[] {0, 1, 31, 32, 64, 1000, 65_536}) {
            byte[] message = new byte[length];
            random.nextBytes(message);
            String signature = signer.sign(message);
            assertArrayEquals(signer.signWithJdk(message), Base64.getDecoder().decode(signature),
                    "Ed25519 is deterministic: both implementations give the same signature of " + length + " bytes");
            assertDoesNotThrow(() -> signer.publicKey().verify(message, signature));
        }
    }

    @Test
    void aKeyReadBackSignsAlikeAndOthersSignaturesFail() throws Exception {
        ProjectSigner signer = ProjectSigner.generate();
        ProjectSigner reread = ProjectSigner.parse(signer.encodedPrivateKey());
        byte[] message = "assignment 7".getBytes(StandardCharsets.UTF_8);
        assertEquals(signer.sign(message), reread.sign(message));
        String foreign = ProjectSigner.generate().sign(message);
        assertThrows(SignatureException.class, () -> signer.publicKey().verify(message, foreign));
    }
}
