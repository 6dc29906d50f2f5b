package io.rdsreplication.provider;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.rdsreplication.provider.resources.Catalog;
import io.rdsreplication.provider.rpc.EngineLog;
import io.rdsreplication.provider.rpc.ProviderService;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Properties;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The plugin entry point: {@code pulumi-resource-rdsreplication [--logtostderr] [-v=N] [--tracing X] ENGINE}.
 * Listens on 127.0.0.1, prints the port as the only line on stdout, logs to stderr, and exits when the
 * engine goes away.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream stdout = System.out;
        System.setOut(System.err); // nothing but the port may reach stdout
        int verbosity = 0;
        String engine = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("-v=")) verbosity = parseInt(a.substring(3));
            else if (a.equals("-v") && i + 1 < args.length) verbosity = parseInt(args[++i]);
            else if (a.equals("--tracing") && i + 1 < args.length) i++;
            else if (a.startsWith("--tracing=") || a.equals("--logtostderr") || a.startsWith("--logflow")) continue;
            else if (!a.startsWith("-")) engine = a;
        }
        configureLogging(verbosity);
        String version = version();
        byte[] schema = resource("schema.json");
        Registry registry = new Registry(Catalog.resources(), Catalog.functions());
        EngineLog engineLog = new EngineLog(engine);
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .maxInboundMessageSize(64 * 1024 * 1024)
                .addService(new ProviderService(registry, version, schema, engineLog))
                .build().start();
        stdout.println(server.getPort());
        stdout.flush();
        if ("1".equals(System.getenv("RDSREPLICATION_EXIT_AFTER_START"))) {
            // class-data-sharing training run (scripts/cds.sh): the classes loaded so far go into the archive
            server.shutdownNow();
            System.exit(0);
        }
        Logger.getLogger("rdsreplication").fine("listening on 127.0.0.1:" + server.getPort() + ", engine " + engine);
        if (engine != null) watchEngine(engine, server);
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
        server.awaitTermination();
        engineLog.close();
    }

    /** Exits when the engine's port stops accepting connections (the engine went away). */
    private static void watchEngine(String engine, Server server) {
        int colon = engine.lastIndexOf(':');
        if (colon < 0) return;
        String host = engine.substring(0, colon);
        int port = parseInt(engine.substring(colon + 1));
        Thread t = new Thread(() -> {
            int failures = 0;
            while (!server.isShutdown()) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(host.isEmpty() ? "127.0.0.1" : host, port), 2000);
                    failures = 0;
                } catch (IOException e) {
                    if (++failures >= 3) {
                        Logger.getLogger("rdsreplication").info("engine gone; exiting");
                        server.shutdownNow();
                        return;
                    }
                }
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "engine-watch");
        t.setDaemon(true);
        t.start();
    }

    static String version() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) p.load(in);
        }
        return p.getProperty("version", "0.0.0");
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = Main.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException(name + " missing from the plugin jar");
            return in.readAllBytes();
        }
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void configureLogging(int verbosity) {
        Level level = verbosity >= 9 ? Level.FINEST : verbosity >= 5 ? Level.FINE : verbosity >= 1 ? Level.INFO : Level.WARNING;
        Logger root = Logger.getLogger("");
        for (var h : root.getHandlers()) root.removeHandler(h);
        ConsoleHandler h = new ConsoleHandler();
        h.setLevel(level);
        h.setFormatter(new SimpleFormatter() {
            @Override
            public synchronized String format(LogRecord r) {
                String msg = formatMessage(r);
                String thrown = r.getThrown() == null ? "" : " " + r.getThrown();
                return "rdsreplication " + r.getLevel() + " " + r.getLoggerName() + ": " + msg + thrown + "\n";
            }
        });
        root.addHandler(h);
        root.setLevel(Level.WARNING);
        Logger.getLogger("io.rdsreplication").setLevel(level);
        Logger.getLogger("rdsreplication").setLevel(level);
    }
}
