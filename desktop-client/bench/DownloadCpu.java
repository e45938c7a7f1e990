import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * CPU of this process per byte downloaded, as the client downloads inputs (written to a file, SHA-256 on the way),
 * with java.net.http's HttpClient and with HttpURLConnection, in turns, from the JDK's HttpServer (keep-alive) in
 * the same process; the server's threads' CPU is left out. docs/benchmarks.md, "Whole-system efficiency".
 *
 * <p>With {@code parts} as the third argument it takes the client's loop apart instead, over HttpURLConnection
 * only and for more rounds (the later ones have the JIT compilers behind them): the body read and dropped, read and
 * hashed, read and written to the file, and read, written and hashed as the client does.
 *
 * <p>With {@code upload} it measures the other way, as the client uploads a task's output: a file of that many bytes
 * (in the page cache, as a worker has just written it) read and sent in a fixed-length PUT over HttpURLConnection,
 * the server reading and dropping the body; the transfers per round are the first argument.
 *
 * <pre>java desktop-client/bench/DownloadCpu.java [transfers per round, default 1000] [bytes, default 620000]
 *     [clients (the default) | parts | upload] [rounds, default 3 for clients, 8 for parts and upload]</pre>
 */
public class DownloadCpu {
    public static void main(String[] args) throws Exception {
        int downloads = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 620_000;
        String mode = args.length > 2 ? args[2] : "clients";
        if (!List.of("clients", "parts", "upload").contains(mode)) {
            throw new IllegalArgumentException("third argument: 'clients', 'parts' or 'upload', not '" + mode + "'");
        }
        boolean parts = mode.equals("parts");
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : mode.equals("clients") ? 3 : 8;
        String[] ways = parts ? new String[] {"read", "read+hash", "read+write", "read+write+hash"}
                : mode.equals("upload") ? new String[] {"upload"} : new String[] {"java.net.http", "HttpURLConnection"};
        HttpServer server = serve(size);
        URI file = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/file");
        Path target = Files.createTempFile("download-cpu", ".bin");
        if (mode.equals("upload")) {
            byte[] output = new byte[size];
            new Random(2).nextBytes(output);
            Files.write(target, output);
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            for (int round = 0; round < rounds; round++) {
                for (String way : ways) {
                    long cpu0 = clientCpu();
                    long bytes = 0;
                    for (int i = 0; i < downloads; i++) {
                        if (way.equals("upload")) {
                            bytes += upload(file, target);
                            continue;
                        }
                        InputStream body = way.equals("java.net.http")
                                ? client.send(HttpRequest.newBuilder(file).build(),
                                        HttpResponse.BodyHandlers.ofInputStream()).body()
                                : file.toURL().openConnection().getInputStream();
                        bytes += save(body, target, !way.startsWith("read") || way.contains("write"),
                                !way.startsWith("read") || way.endsWith("hash"));
                    }
                    System.out.printf("round %d %-18s %6.2f ns of CPU per byte (%d %s of %d bytes)%n", round, way,
                            (clientCpu() - cpu0) / (double) bytes, downloads,
                            way.equals("upload") ? "uploads" : "downloads", size);
                }
            }
        } finally {
            server.stop(0);
            Files.delete(target);
        }
        System.exit(0);
    }

    /** As the client's {@code ServerApi.uploadOutput}: the file read and sent with a 64 KB buffer. */
    private static long upload(URI uri, Path file) throws Exception {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setRequestMethod("PUT");
        connection.setDoOutput(true);
        long size = Files.size(file);
        connection.setFixedLengthStreamingMode(size);
        try (InputStream in = Files.newInputStream(file); OutputStream out = connection.getOutputStream()) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
            }
        }
        if (connection.getResponseCode() != 200) {
            throw new IllegalStateException("upload answered " + connection.getResponseCode());
        }
        connection.getInputStream().readAllBytes();
        return size;
    }

    private static long save(InputStream body, Path target, boolean write, boolean hash) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try (InputStream in = body;
             OutputStream out = write ? Files.newOutputStream(target) : OutputStream.nullOutputStream()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
                if (hash) {
                    digest.update(buffer, 0, n);
                }
                total += n;
            }
        }
        digest.digest();
        return total;
    }

    /** The process's CPU less the server's threads' (named {@code bench-server}, and the JDK's dispatcher). */
    private static long clientCpu() {
        long process = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long server = 0;
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && (t.getThreadName().startsWith("bench-server")
                    || t.getThreadName().startsWith("HTTP-Dispatcher"))) {
                server += Math.max(0, threads.getThreadCpuTime(t.getThreadId()));
            }
        }
        return process - server;
    }

    private static HttpServer serve(int size) throws Exception {
        byte[] content = new byte[size];
        new Random(1).nextBytes(content);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.createContext("/file", exchange -> {
            if (exchange.getRequestMethod().equals("PUT")) {
                try (InputStream in = exchange.getRequestBody()) {
                    byte[] sink = new byte[64 * 1024];
                    while (in.read(sink) > 0) {
                        // dropped: the server's side is not what is measured
                    }
                }
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, content.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(content);
            }
        });
        AtomicInteger n = new AtomicInteger();
        server.setExecutor(Executors.newFixedThreadPool(2, r -> new Thread(r, "bench-server-" + n.incrementAndGet())));
        server.start();
        return server;
    }
}
