package org.sparecycles.server.demo;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder while the demo is written; replaced by the real command in the same change series. */
@Command(name = "demo", description = "Run the server with the sample batch and local volunteers.")
public final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("demo: not in this build yet");
        return 2;
    }
}
