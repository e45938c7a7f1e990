package org.sparecycles.server.web.ui;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.sparecycles.workunits.app.AppException;
import org.sparecycles.workunits.app.InputFile;
import org.sparecycles.workunits.app.InvalidParametersException;
import org.sparecycles.workunits.app.ScienceApp;
import org.sparecycles.workunits.image.ImageDecodingException;

/**
 * Runs the app on one image for the new-batch form's preview, inside the server but bounded: images above
 * {@link #MAX_PIXELS} are refused before decoding, at most {@link #THREADS} previews run at once on their own
 * threads (a few more wait; beyond that the answer is "busy"), and a request waits at most {@link #TIME_LIMIT}.
 * So previews cannot take the server's request threads or its memory. Thread-safe.
 */
final class Preview {
    static final long MAX_PIXELS = 16_000_000L;
    static final Duration TIME_LIMIT = Duration.ofSeconds(20);
    static final int THREADS = 2;
    private static final int WAITING = 4;

    /** What the preview found: the app's output and the outlined image as a data URL, or the problems. */
    record Outcome(ObjectNode result, String image, List<String> problems) {
    }

    private final ThreadPoolExecutor executor;

    Preview() {
        AtomicInteger n = new AtomicInteger();
        executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(WAITING),
                r -> {
                    Thread t = new Thread(r, "preview-" + n.incrementAndGet());
                    t.setDaemon(true);
                    t.setPriority(Thread.MIN_PRIORITY);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    Outcome run(ScienceApp app, Map<String, String> parameters, InputFile input) throws InterruptedException {
        List<String> problems = new ArrayList<>();
        String size = tooLarge(input);
        if (size != null) {
            problems.add(size);
            return new Outcome(null, null, problems);
        }
        Future<Outcome> future;
        try {
            future = executor.submit(() -> compute(app, parameters, input));
        } catch (RejectedExecutionException e) {
            problems.add("the server is busy with other previews; try again in a moment");
            return new Outcome(null, null, problems);
        }
        try {
            return future.get(TIME_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            problems.add(input.name() + ": the preview took longer than " + TIME_LIMIT.toSeconds()
                    + " s and was stopped; try a smaller image");
        } catch (ExecutionException e) {
            throw new IllegalStateException("preview of " + input.name() + " failed", e.getCause());
        }
        return new Outcome(null, null, problems);
    }

    private static Outcome compute(ScienceApp app, Map<String, String> parameters, InputFile input) {
        List<String> problems = new ArrayList<>();
        try {
            ObjectNode result = app.analyze(input, app.parseParameters(parameters));
            String image = "data:image/png;base64," + Base64.getEncoder().encodeToString(
                    OutlinedImage.png(input.name(), input.content(), result));
            return new Outcome(result, image, problems);
        } catch (InvalidParametersException e) {
            e.problems().forEach(p -> problems.add("parameter " + p));
        } catch (AppException | ImageDecodingException e) {
            problems.add(String.valueOf(e.getMessage()));
        }
        return new Outcome(null, null, problems);
    }

    /** The problem when the image's header says it is above {@link #MAX_PIXELS}; null otherwise or unreadable. */
    static String tooLarge(InputFile input) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(input.content()))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width * height <= MAX_PIXELS) {
                    return null;
                }
                return String.format(java.util.Locale.ROOT, "%s: %d × %d pixels is too large to preview (at most %d"
                        + " megapixels here); you can still submit it", input.name(), width, height, MAX_PIXELS / 1_000_000);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return null; // not readable this way: decoding will say what is wrong
        }
    }
}
