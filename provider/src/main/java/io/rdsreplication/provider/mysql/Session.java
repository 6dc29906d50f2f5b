package io.rdsreplication.provider.mysql;

import io.rdsreplication.provider.core.ProviderException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.logging.Logger;

/**
 * One JDBC connection (autocommit on, connect and socket timeouts) with the server's flavour probed once.
 * Every SQL error leaves here through {@link #fail}, which classifies it and removes any secret this session
 * has seen from the message.
 */
public final class Session implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Session.class.getName());
    private final Connection conn;
    private final ConnectionSpec spec;
    private final ServerInfo server;
    private final Set<String> secrets = new LinkedHashSet<>();
    private Path trustStore;

    private Session(Connection conn, ConnectionSpec spec, ServerInfo server, Path trustStore) {
        this.conn = conn;
        this.spec = spec;
        this.server = server;
        this.trustStore = trustStore;
        addSecret(spec.passwordValue());
    }

    /** Opens a connection; {@code role} ("source", "replica") names it in error messages. */
    public static Session open(ConnectionSpec spec, String role) {
        return open(spec, role, Map.of());
    }

    /** As {@link #open(ConnectionSpec, String)}, with extra driver properties (e.g. batching for bulk copies). */
    public static Session open(ConnectionSpec spec, String role, Map<String, String> extra) {
        Properties props = new Properties();
        props.setProperty("user", spec.username());
        props.setProperty("password", spec.passwordValue());
        props.setProperty("connectTimeout", Integer.toString(spec.connectTimeoutSeconds() * 1000));
        props.setProperty("socketTimeout", Integer.toString(spec.socketTimeoutSeconds() * 1000));
        props.setProperty("sslMode", switch (spec.tls()) {
            case "disabled" -> "DISABLED";
            case "required" -> "REQUIRED";
            case "verifyCa" -> "VERIFY_CA";
            case "verifyIdentity" -> "VERIFY_IDENTITY";
            default -> "PREFERRED";
        });
        props.setProperty("allowPublicKeyRetrieval", "false");
        props.setProperty("characterEncoding", "UTF-8");
        props.setProperty("connectionCollation", "utf8mb4_general_ci");
        props.setProperty("allowLoadLocalInfile", "false");
        props.setProperty("autoReconnect", "false");
        props.setProperty("maxAllowedPacket", Integer.toString(64 * 1024 * 1024));
        props.setProperty("cacheDefaultTimeZone", "false");
        props.setProperty("tinyInt1isBit", "false");
        props.setProperty("transformedBitIsBoolean", "false");
        props.setProperty("yearIsDateType", "false");
        props.putAll(extra);
        Path ts = null;
        try {
            if (spec.caCert() != null && !spec.caCert().isBlank()) {
                char[] tsPassword = randomPassword();
                ts = writeTrustStore(spec.caCert(), tsPassword);
                props.setProperty("trustCertificateKeyStoreUrl", ts.toUri().toString());
                props.setProperty("trustCertificateKeyStoreType", "PKCS12");
                props.setProperty("trustCertificateKeyStorePassword", new String(tsPassword));
            }
            String url = "jdbc:mysql://" + (spec.host().contains(":") ? "[" + spec.host() + "]" : spec.host())
                    + ":" + spec.port() + "/";
            Connection c = DriverManager.getConnection(url, props);
            c.setAutoCommit(true);
            ServerInfo info;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT VERSION()")) {
                rs.next();
                info = ServerInfo.parse(rs.getString(1));
            }
            LOG.fine(() -> "connected to " + role + " " + spec.address() + " (" + info.version() + ")");
            return new Session(c, spec, info, ts);
        } catch (SQLException e) {
            deleteQuietly(ts);
            throw SqlErrors.connectFailure(e, role, spec);
        } catch (IOException | java.security.GeneralSecurityException e) {
            deleteQuietly(ts);
            throw new ProviderException.InvalidInput(role + ".caCert", "is not a usable PEM certificate: " + e.getMessage());
        }
    }

    /**
     * Keeps this session's statements out of the binary log (SET SESSION sql_log_bin = 0), so account changes
     * made on the source do not replicate to the RDS instance. Needs SUPER/BINLOG ADMIN; returns false (and
     * changes nothing) when the user lacks it.
     */
    public boolean skipBinlog() {
        try (Statement st = conn.createStatement()) {
            st.execute("SET SESSION sql_log_bin = 0");
            return true;
        } catch (SQLException e) {
            LOG.fine(() -> "cannot turn sql_log_bin off (" + e.getErrorCode() + "); account changes will replicate");
            return false;
        }
    }

    public ServerInfo server() {
        return server;
    }

    public ConnectionSpec spec() {
        return spec;
    }

    public Connection jdbc() {
        return conn;
    }

    /** Values that must never appear in a message from this session (passwords it has been given). */
    public void addSecret(String s) {
        if (s == null || s.isEmpty()) return;
        secrets.add(s);
        String hex = HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
        secrets.add(hex);
        secrets.add(hex.toUpperCase());
    }

    public int update(String sql, Object... params) {
        try (PreparedStatement ps = prepare(sql, params)) {
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw fail(e, sql);
        }
    }

    public void execute(String sql, Object... params) {
        try (PreparedStatement ps = prepare(sql, params)) {
            ps.execute();
            drain(ps);
        } catch (SQLException e) {
            throw fail(e, sql);
        }
    }

    /** A statement sent as it is, not prepared (DDL copied from another server may contain '?'). */
    public void executeRaw(String sql) {
        try (Statement st = conn.createStatement()) {
            st.execute(sql);
            drain(st);
        } catch (SQLException e) {
            throw fail(e, sql);
        }
    }

    /**
     * A statement sent exactly as written: not prepared (the driver does not look for placeholders) and with
     * JDBC escape processing off (it does not rewrite {@code {...}}). For text whose quoting is already right
     * for the server, such as account statements built with {@link Sql#account}.
     */
    public void executeVerbatim(String sql) {
        try (Statement st = conn.createStatement()) {
            st.setEscapeProcessing(false);
            st.execute(sql);
            drain(st);
        } catch (SQLException e) {
            throw fail(e, sql);
        }
    }

    /** Whether this session's sql_mode has NO_BACKSLASH_ESCAPES (read from the server, not the driver's cache). */
    public boolean noBackslashEscapes() {
        String mode = queryString("SELECT @@SESSION.sql_mode");
        return mode != null && java.util.Arrays.asList(mode.toUpperCase().split(",")).contains("NO_BACKSLASH_ESCAPES");
    }

    /** Rows as ordered column-label → string maps. */
    public List<Map<String, String>> query(String sql, Object... params) {
        try (PreparedStatement ps = prepare(sql, params); ResultSet rs = ps.executeQuery()) {
            return rows(rs);
        } catch (SQLException e) {
            throw fail(e, sql);
        }
    }

    public String queryString(String sql, Object... params) {
        List<Map<String, String>> rows = query(sql, params);
        if (rows.isEmpty()) return null;
        return rows.get(0).values().iterator().next();
    }

    /** CALL a procedure with bound parameters; returns the rows of its first result set, if any. */
    public List<Map<String, String>> call(String procedure, Object... params) {
        StringBuilder sql = new StringBuilder("CALL ").append(procedure).append('(');
        for (int i = 0; i < params.length; i++) sql.append(i == 0 ? "?" : ", ?");
        sql.append(')');
        try (CallableStatement cs = conn.prepareCall(sql.toString())) {
            bind(cs, params);
            boolean hasRs = cs.execute();
            List<Map<String, String>> first = new ArrayList<>();
            boolean firstSeen = false;
            while (true) {
                if (hasRs) {
                    try (ResultSet rs = cs.getResultSet()) {
                        List<Map<String, String>> r = rows(rs);
                        if (!firstSeen) {
                            first = r;
                            firstSeen = true;
                        }
                    }
                } else if (cs.getUpdateCount() == -1) {
                    break;
                }
                hasRs = cs.getMoreResults();
            }
            return first;
        } catch (SQLException e) {
            throw fail(e, "CALL " + procedure);
        }
    }

    private PreparedStatement prepare(String sql, Object[] params) throws SQLException {
        PreparedStatement ps = conn.prepareStatement(sql);
        bind(ps, params);
        return ps;
    }

    private void bind(PreparedStatement ps, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p instanceof String s) ps.setString(i + 1, s);
            else if (p instanceof Integer n) ps.setInt(i + 1, n);
            else if (p instanceof Long n) ps.setLong(i + 1, n);
            else if (p instanceof Boolean b) ps.setInt(i + 1, b ? 1 : 0);
            else if (p == null) ps.setNull(i + 1, java.sql.Types.VARCHAR);
            else ps.setObject(i + 1, p);
        }
    }

    private static void drain(Statement st) throws SQLException {
        while (st.getMoreResults() || st.getUpdateCount() != -1) {
            // consume every result so the connection is clean
        }
    }

    static List<Map<String, String>> rows(ResultSet rs) throws SQLException {
        List<Map<String, String>> out = new ArrayList<>();
        ResultSetMetaData md = rs.getMetaData();
        while (rs.next()) {
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 1; i <= md.getColumnCount(); i++) row.put(md.getColumnLabel(i), rs.getString(i));
            out.add(row);
        }
        return out;
    }

    /** Classifies a SQL error and returns the exception to throw, with every known secret removed. */
    public ProviderException fail(SQLException e, String what) {
        return SqlErrors.classify(e, what, spec, secrets);
    }

    public String redact(String s) {
        return SqlErrors.redact(s, secrets);
    }

    public Collection<String> secrets() {
        return secrets;
    }

    /** The server's id for this connection (what KILL takes), known without a round trip. */
    public long connectionId() {
        try {
            return conn.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).getId();
        } catch (SQLException e) {
            throw fail(e, "connection id");
        }
    }

    /**
     * Closes the connection at once, without a goodbye and without reading what the server is still sending
     * (a streamed result): safe from another thread while a statement runs. The server drops the connection's
     * locks when it sees the socket close.
     */
    public void abort() {
        try {
            conn.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            LOG.fine("abort: " + e.getMessage());
        }
        deleteQuietly(trustStore);
    }

    @Override
    public void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            LOG.fine("close: " + e.getErrorCode());
        }
        deleteQuietly(trustStore);
        trustStore = null;
    }

    private static char[] randomPassword() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b).toCharArray();
    }

    private static Path writeTrustStore(String pem, char[] password) throws IOException, java.security.GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        Collection<? extends Certificate> certs;
        try (InputStream in = new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))) {
            certs = cf.generateCertificates(in);
        }
        if (certs.isEmpty()) throw new IOException("no certificate found");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, password);
        int i = 0;
        for (Certificate c : certs) ks.setCertificateEntry("ca" + i++, c);
        Path f = Files.createTempFile("rdsrepl-ca", ".p12",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (var out = Files.newOutputStream(f)) {
            ks.store(out, password);
        }
        return f;
    }

    private static void deleteQuietly(Path p) {
        if (p == null) return;
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // temp file; nothing secret in it
        }
    }
}
