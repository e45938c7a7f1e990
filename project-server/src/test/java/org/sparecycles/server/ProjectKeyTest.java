package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.server.config.ServerConfig;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.ProjectKeyInfo;
import org.sparecycles.workunits.protocol.RedundancyPolicy;
import org.sparecycles.workunits.protocol.SchedulerReply;
import org.sparecycles.workunits.protocol.SchedulerRequest;
import org.sparecycles.workunits.signing.AssignmentSignatures;
import org.sparecycles.workunits.signing.ProjectKey;

/** The project key: made on the first start, kept across restarts, published, and signing every assignment. */
class ProjectKeyTest {
    @TempDir
    Path tmp;

    @Test
    void keyIsMadeOnFirstStartKeptPrivateAndTheSameAfterARestart() throws Exception {
        String first;
        try (TestServer t = TestServer.start(tmp.resolve("data"))) {
            ProjectKeyInfo info = t.anonymous.get("/api/v1/project-key").expect(200, ProjectKeyInfo.class);
            assertEquals("Ed25519", info.algorithm());
            assertEquals(ProjectKey.parse(info.publicKey()).fingerprint(), info.fingerprint());
            first = info.publicKey();
        }
        Path keyFile = tmp.resolve("data/keys/project-ed25519.key");
        assertTrue(Files.isRegularFile(keyFile));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        assertFalse(Files.readString(keyFile).contains(first), "the file holds the private key, not the public one");
        try (TestServer t = TestServer.start(tmp.resolve("data"))) {
            assertEquals(first, t.anonymous.get("/api/v1/project-key").expect(200, ProjectKeyInfo.class).publicKey());
        }
    }

    @Test
    void everyAssignmentVerifiesWithThePublishedKeyAndNotWithAnotherServersKey() throws Exception {
        try (TestServer t = TestServer.start(tmp.resolve("a")); TestServer other = TestServer.start(tmp.resolve("b"))) {
            Api researcher = t.researcher();
            t.submit(researcher, t.project(researcher), new RedundancyPolicy(2, 2, 3, 4, 3600), 1,
                    "blobs.png", "coins.png");
            Api volunteer = t.volunteer();
            List<Assignment> sent = t.fetch(volunteer, t.host(volunteer, 2.0), 1e6);
            assertEquals(2, sent.size());
            ProjectKey published = ProjectKey.parse(t.anonymous.get("/api/v1/project-key")
                    .expect(200, ProjectKeyInfo.class).publicKey());
            for (Assignment a : sent) {
                assertDoesNotThrow(() -> AssignmentSignatures.verify(published, a));
                assertThrows(Exception.class, () -> AssignmentSignatures.verify(other.server.projectKey(), a));
            }

            // a client that checks them together gets one signature over all of a reply's assignments
            Api another = t.volunteer();
            SchedulerReply together = another.post("/api/v1/scheduler", new SchedulerRequest(t.host(another, 2.0),
                    List.of(), 1e6, List.of(), List.of(), true)).expect(200, SchedulerReply.class);
            assertEquals(2, together.assignments().size());
            assertTrue(together.assignments().stream().allMatch(a -> a.signature() == null), together::toString);
            assertDoesNotThrow(() -> AssignmentSignatures.verifyTogether(published, together.assignments(),
                    together.assignmentsSignature()));
            assertThrows(Exception.class, () -> AssignmentSignatures.verifyTogether(other.server.projectKey(),
                    together.assignments(), together.assignmentsSignature()));
            assertEquals(null, t.schedule(volunteer, t.host(volunteer, 2.0), 0).expect(200, SchedulerReply.class)
                    .assignmentsSignature(), "nothing to sign");
        }
    }

    @Test
    void configuredKeyFileOutsideTheDataDirIsUsed() throws Exception {
        Path keyFile = tmp.resolve("offline-volume/project.key");
        try (ProjectServer server = ProjectServer.start(ServerConfig.builder().port(0).dataDir(tmp.resolve("data"))
                .signingKeyFile(keyFile).build())) {
            assertTrue(Files.exists(keyFile));
            assertFalse(Files.exists(tmp.resolve("data/keys/project-ed25519.key")));
            assertEquals(keyFile, server.config().signingKeyFile());
        }
    }

    @Test
    void aCorruptKeyFileStopsTheStartInsteadOfBeingReplaced() throws Exception {
        Path keyFile = tmp.resolve("data/keys/project-ed25519.key");
        Files.createDirectories(keyFile.getParent());
        Files.writeString(keyFile, "not a key\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ProjectServer.start(
                ServerConfig.builder().port(0).dataDir(tmp.resolve("data")).build()));
        assertTrue(e.getMessage().contains("not an Ed25519 private key"), e.getMessage());
        assertEquals("not a key\n", Files.readString(keyFile));
    }
}
