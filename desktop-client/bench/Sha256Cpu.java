import java.lang.management.ManagementFactory;
import java.security.MessageDigest;
import java.util.Random;

/**
 * CPU of this thread per byte hashed with the JDK's SHA-256, as the client hashes every input it downloads and every
 * output it uploads: 1 GB in 64 KB updates, five rounds. A floor under the client's cost per byte moved.
 * docs/benchmarks.md, "Whole-system efficiency".
 *
 * <pre>java desktop-client/bench/Sha256Cpu.java</pre>
 */
public class Sha256Cpu {
    public static void main(String[] args) throws Exception {
        byte[] buffer = new byte[1 << 16];
        new Random(1).nextBytes(buffer);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int round = 1; round <= 5; round++) {
            long cpuBefore = threads.getCurrentThreadCpuTime();
            long bytes = 0;
            for (int i = 0; i < 16384; i++) {
                sha.update(buffer);
                bytes += buffer.length;
            }
            sha.digest();
            long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
            System.out.printf("round %d: %.3f ns of CPU per byte over %d MB%n", round, (double) cpu / bytes,
                    bytes >> 20);
        }
    }
}
