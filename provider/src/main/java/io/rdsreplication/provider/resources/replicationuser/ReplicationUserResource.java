package io.rdsreplication.provider.resources.replicationuser;

import io.rdsreplication.provider.core.CheckFailure;
import io.rdsreplication.provider.core.Context;
import io.rdsreplication.provider.core.DiffResult;
import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.core.Props;
import io.rdsreplication.provider.core.Resource;
import io.rdsreplication.provider.core.Secret;
import io.rdsreplication.provider.core.Unknown;
import io.rdsreplication.provider.mysql.ConnectionSpec;
import io.rdsreplication.provider.mysql.Session;
import io.rdsreplication.provider.mysql.SqlErrors;
import io.rdsreplication.provider.mysql.Validation;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** rdsreplication:index:ReplicationUser — the replication account on the external source. */
public final class ReplicationUserResource implements Resource {
    public static final String TOKEN = "rdsreplication:index:ReplicationUser";
    static final Set<String> AUTH_PLUGINS = Set.of("mysql_native_password", "caching_sha2_password", "ed25519");
    static final int MAX_USER = 80;     // MariaDB; MySQL allows 32 and refuses longer names itself
    static final int MAX_HOST = 255;
    static final int PLUGIN_NOT_LOADED = 1524;   // ER_PLUGIN_IS_NOT_LOADED
    static final int WRONG_STRING_LENGTH = 1470; // ER_WRONG_STRING_LENGTH: user name too long
    /** MySQL (error 3056) refuses longer replication passwords; generated ones are exactly this long. */
    static final int MYSQL_REPLICATION_PASSWORD_MAX = 32;
    /** Host names, IPv4/IPv6 addresses, netmasks (10.0.0.0/255.255.255.0, 10.0.0.0/24) and % _ patterns. */
    private static final java.util.regex.Pattern HOST = java.util.regex.Pattern.compile("[A-Za-z0-9.:%_/\\-]+");
    static final List<String> REQUIRED_GRANTS = List.of("REPLICATION CLIENT", "REPLICATION SLAVE");
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public String token() {
        return TOKEN;
    }

    @Override
    public CheckResult check(Props olds, Props news) {
        List<CheckFailure> f = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, Object> inputs = news.copy();
        if (news.object("source") != null) f.addAll(ConnectionSpec.validate(news.object("source")));
        name(news, "user", MAX_USER, f);
        name(news, "host", MAX_HOST, f);
        if (news.known("host") && f.stream().noneMatch(x -> x.property().equals("host"))
                && !HOST.matcher(news.string("host")).matches()) {
            f.add(new CheckFailure("host", "must be a host name, an IP address, a netmask or a pattern with % and _ "
                    + "(ASCII letters, digits and . - _ % : /), got " + Validation.show(news.string("host"))));
        }
        if (!news.isUnknown("password")) {
            if (news.has("password")) {
                String pw = news.string("password");
                if (pw.isEmpty()) f.add(new CheckFailure("password", "must not be empty; omit it to have one generated"));
                else if (pw.indexOf('\0') >= 0) f.add(new CheckFailure("password", "must not contain NUL bytes"));
                else if (pw.length() > 256) f.add(new CheckFailure("password", "must be at most 256 characters"));
                else if (pw.codePointCount(0, pw.length()) > MYSQL_REPLICATION_PASSWORD_MAX) {
                    warnings.add("password is longer than " + MYSQL_REPLICATION_PASSWORD_MAX + " characters: an RDS for MySQL "
                            + "instance refuses it as a replication password (error 3056, in ExternalMaster); fine for RDS "
                            + "for MariaDB. Omit password to have a " + MYSQL_REPLICATION_PASSWORD_MAX + "-character one generated");
                }
            } else if (olds.has("password") && olds.has("user")) {
                inputs.put("password", new Secret(olds.string("password"))); // keep the generated one
            } else if (!olds.has("user")) {
                inputs.put("password", new Secret(generatePassword())); // a new account; an imported one keeps its own
            }
        }
        if (news.known("authPlugin") && !AUTH_PLUGINS.contains(news.string("authPlugin"))) {
            f.add(new CheckFailure("authPlugin", "must be one of " + String.join(", ", new java.util.TreeSet<>(AUTH_PLUGINS))));
        }
        if (!news.isUnknown("requireSsl")) {
            inputs.put("requireSsl", news.bool("requireSsl", false));
        }
        return new CheckResult(inputs, f, warnings);
    }

    private static void name(Props p, String key, int max, List<CheckFailure> f) {
        if (p.isUnknown(key)) return;
        String v = p.string(key);
        if (v == null || v.isEmpty()) f.add(new CheckFailure(key, "is required and must not be empty"));
        else if (v.indexOf('\0') >= 0) f.add(new CheckFailure(key, "must not contain NUL bytes"));
        else if (v.codePointCount(0, v.length()) > max) {
            f.add(new CheckFailure(key, "must be at most " + max + " characters, got " + v.codePointCount(0, v.length())));
        } else if (v.codePoints().anyMatch(c -> c > 0xFFFF)) {
            f.add(new CheckFailure(key, "must not contain characters outside the Basic Multilingual Plane (such as emoji): "
                    + "account names are stored as utf8mb3 by MySQL and MariaDB"));
        } else if (v.codePoints().anyMatch(c -> Character.getType(c) == Character.CONTROL || Character.getType(c) == Character.FORMAT)) {
            f.add(new CheckFailure(key, "must not contain control or invisible formatting characters (such as line breaks "
                    + "or right-to-left overrides), which make one account name look like another: got " + Validation.show(v)));
        } else if (!v.equals(v.strip())) {
            f.add(new CheckFailure(key, "must not start or end with white space (the server would trim it)"));
        }
    }

    static String generatePassword() {
        StringBuilder sb = new StringBuilder(MYSQL_REPLICATION_PASSWORD_MAX);
        for (int i = 0; i < MYSQL_REPLICATION_PASSWORD_MAX; i++) sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        return sb.toString();
    }

    @Override
    public DiffResult diff(String id, Props olds, Props news) {
        DiffResult.Builder b = DiffResult.compare(olds, news, List.of("user", "host", "authPlugin", "requireSsl"),
                Set.of("user", "host", "authPlugin"));
        // the source's host:port says which server holds the account: another one is a replace (create there,
        // then drop here); credentials, TLS and timeouts only change how the provider connects
        b.connection("source", olds, news);
        if (olds.has("password") || news.isUnknown("password")) {
            if (!DiffResult.equalValues(olds.raw("password"), news.raw("password")) || news.isUnknown("password")) {
                b.put("password", DiffResult.Kind.UPDATE);
            }
        }
        List<String> grants = olds.strings("grants");
        if (grants != null && !grants.containsAll(REQUIRED_GRANTS)) b.put("grants", DiffResult.Kind.UPDATE);
        return b.build();
    }

    @Override
    public CreateResult create(Context ctx, Props in, boolean preview) {
        String user = in.string("user");
        String host = in.string("host");
        Map<String, Object> out = in.copy();
        if (preview) {
            out.put("grants", Unknown.VALUE);
            return new CreateResult("", out);
        }
        if ("%".equals(host)) {
            ctx.progress().warn("host is '%': the account can connect from anywhere; the runbook asks for an account "
                    + "restricted to the replica's address or your domain");
        }
        String id = user + "@" + host;
        try (Session s = ctx.open(in, "source")) {
            keepOutOfBinlog(ctx, s, "creating", user, host);
            String pw = in.string("password");
            s.addSecret(pw);
            var existing = s.query(UserSql.SELECT_ACCOUNT, user, host);
            if (!existing.isEmpty() && isOwnLostAttempt(s, existing.get(0), in.string("authPlugin"), pw)) {
                // an earlier create of this very account (same password hash) whose answer was lost: finish it
                ctx.progress().info("the account '" + user + "'@'" + host + "' already exists with this resource's password "
                        + "(an earlier attempt whose answer was lost): taking it over");
                run(s, UserSql.grant(user, host));
                if (in.bool("requireSsl", false)) run(s, UserSql.alterTls(user, host, true));
                out.put("grants", readGrants(s, user, host));
                return new CreateResult(id, out);
            }
            if (!existing.isEmpty()) {
                throw new ProviderException.Precondition("the account '" + user + "'@'" + host
                        + "' already exists on the source; to manage it, import it: pulumi import " + TOKEN
                        + " <name> '" + id + "' (or choose another user name)");
            }
            run(s, UserSql.createUser(s.server(), user, host, in.string("authPlugin"), in.bool("requireSsl", false),
                    passwordLiteral(s, in.string("authPlugin"), pw)));
            try {
                run(s, UserSql.grant(user, host));
                out.put("grants", readGrants(s, user, host));
            } catch (ProviderException e) {
                out.put("grants", List.of());
                throw new ProviderException.ResourceInitFailed(id, out, "created the account but could not grant "
                        + "REPLICATION CLIENT, REPLICATION SLAVE: " + e.getMessage()
                        + "; fix the source user's privileges (it needs GRANT OPTION) and run pulumi up again", e);
            }
        }
        return new CreateResult(id, out);
    }

    /**
     * Runs one account statement; the server's refusals that are about an input name that input: a plugin
     * it cannot load (MySQL 9 has no mysql_native_password; MariaDB no caching_sha2_password, MySQL no
     * ed25519) and a user name longer than MySQL's 32 characters.
     */
    private static void run(Session s, String sql) {
        try {
            s.executeVerbatim(sql);
        } catch (SqlErrors.SqlFailure e) {
            if (e.code() == PLUGIN_NOT_LOADED) {
                throw new ProviderException.InvalidInput("authPlugin", "the source (" + s.server().flavor().label() + " "
                        + s.server().version() + ") cannot use this authentication plugin: " + e.getMessage()
                        + (s.server().isMysql() ? "; use caching_sha2_password (MySQL's default)" : "; omit authPlugin to use mysql_native_password"));
            }
            if (e.code() == WRONG_STRING_LENGTH) {
                throw new ProviderException.InvalidInput("user", "is too long for the source ("
                        + s.server().flavor().label() + " " + s.server().version() + "): " + e.getMessage());
            }
            throw e;
        }
    }

    /** The password (or its hash) as a literal for this session's sql_mode, registered as a secret in that form too. */
    private static String passwordLiteral(Session s, String plugin, String password) {
        String lit = UserSql.passwordLiteral(s.server(), plugin, password, s.noBackslashEscapes());
        s.addSecret(lit.substring(1, lit.length() - 1));
        return lit;
    }

    /**
     * Turns binary logging off for this session so the account's DDL stays on the source. When the source user
     * may not, says so in the CLI: the statement then replicates to the RDS instance, where it fails (and
     * stops replication) if that account exists there.
     */
    private static void keepOutOfBinlog(Context ctx, Session s, String what, String user, String host) {
        if (s.skipBinlog()) return;
        if (!"1".equals(s.queryString("SELECT @@GLOBAL.log_bin"))) return;
        ctx.progress().warn("the source user may not turn sql_log_bin off (it needs " + (s.server().isMysql()
                ? "SYSTEM_VARIABLES_ADMIN or SESSION_VARIABLES_ADMIN" : "SUPER or BINLOG ADMIN")
                + "), so " + what + " the account '" + user + "'@'" + host + "' is written to the source's binary log "
                + "and replicates to the RDS instance; if that account exists there, replication stops with an error. "
                + "Grant that privilege to the source user to keep account changes on the source only");
    }

    /**
     * True when the existing account stores exactly this resource's password (mysql_native_password and
     * MariaDB's ed25519 are unsalted, so they can be compared without knowing anything else; MySQL's
     * caching_sha2_password is salted and never matches): a create whose answer was lost (server or
     * provider died after CREATE USER) may then be finished. Any other account is never adopted.
     */
    static boolean isOwnLostAttempt(Session s, Map<String, String> row, String plugin, String password) {
        String expected = password == null ? null : UserSql.storedHash(s.server(), plugin, password);
        if (expected == null) return false;
        String stored = row.getOrDefault("authentication_string", "");
        return !stored.isEmpty() && stored.equals(expected);
    }

    private static List<String> readGrants(Session s, String user, String host) {
        var rows = s.query(UserSql.SELECT_ACCOUNT, user, host);
        if (rows.isEmpty()) return List.of();
        return grantsOf(rows.get(0));
    }

    /** Normalised privilege names from a mysql.user row (MariaDB's BINLOG MONITOR is Repl_client_priv). */
    static List<String> grantsOf(Map<String, String> row) {
        List<String> g = new ArrayList<>();
        if ("Y".equalsIgnoreCase(row.get("Repl_client_priv"))) g.add("REPLICATION CLIENT");
        if ("Y".equalsIgnoreCase(row.get("Repl_slave_priv"))) g.add("REPLICATION SLAVE");
        return g;
    }

    static String[] splitId(String id) {
        int at = id.lastIndexOf('@');
        if (at <= 0 || at == id.length() - 1) {
            throw new ProviderException.InvalidInput("id", "must be user@host, got " + id);
        }
        return new String[]{id.substring(0, at), id.substring(at + 1)};
    }

    @Override
    public ReadResult read(Context ctx, String id, Props state, Props inputs) {
        String[] uh = splitId(id);
        Props conn = inputs.has("source") ? inputs : state;
        try (Session s = ctx.open(conn, "source")) {
            var rows = s.query(UserSql.SELECT_ACCOUNT, uh[0], uh[1]);
            if (rows.isEmpty()) return ReadResult.gone();
            Map<String, String> row = rows.get(0);
            boolean ssl = !row.getOrDefault("ssl_type", "").isEmpty() && !"NONE".equalsIgnoreCase(row.get("ssl_type"));
            Map<String, Object> in = inputs.copy();
            in.put("user", uh[0]);
            in.put("host", uh[1]);
            in.put("requireSsl", ssl);
            if (state.has("password") && !in.containsKey("password")) in.put("password", state.raw("password"));
            if (in.containsKey("authPlugin") && in.get("authPlugin") != null) {
                String plugin = row.getOrDefault("plugin", "");
                if (!plugin.isEmpty()) in.put("authPlugin", plugin);
            }
            Map<String, Object> out = state.copy();
            out.putAll(in);
            out.put("grants", grantsOf(row));
            return new ReadResult(id, out, in);
        }
    }

    @Override
    public Map<String, Object> update(Context ctx, String id, Props olds, Props news, boolean preview) {
        Map<String, Object> out = news.copy();
        if (preview) {
            out.put("grants", REQUIRED_GRANTS);
            return out;
        }
        String user = news.string("user");
        String host = news.string("host");
        try (Session s = ctx.open(news, "source")) {
            String pw = news.string("password");
            s.addSecret(pw);
            s.addSecret(olds.string("password"));
            boolean rotate = pw != null && !DiffResult.equalValues(olds.raw("password"), news.raw("password"));
            boolean ssl = news.bool("requireSsl", false);
            boolean tls = ssl != olds.bool("requireSsl", false);
            List<String> grants = readGrants(s, user, host);
            boolean grant = !grants.containsAll(REQUIRED_GRANTS);
            if (rotate || tls || grant) keepOutOfBinlog(ctx, s, "changing", user, host);
            if (rotate) {
                run(s, UserSql.alterPassword(s.server(), user, host, news.string("authPlugin"),
                        passwordLiteral(s, news.string("authPlugin"), pw)));
                ctx.progress().info("rotated the password of '" + user + "'@'" + host + "'");
            }
            if (tls) run(s, UserSql.alterTls(user, host, ssl));
            if (grant) {
                run(s, UserSql.grant(user, host));
                grants = readGrants(s, user, host);
            }
            out.put("grants", grants);
        }
        return out;
    }

    @Override
    public void delete(Context ctx, String id, Props state) {
        String[] uh = splitId(id);
        try (Session s = ctx.open(state, "source")) {
            if (s.query(UserSql.SELECT_ACCOUNT, uh[0], uh[1]).isEmpty()) return; // already gone: nothing to log or replicate
            keepOutOfBinlog(ctx, s, "dropping", uh[0], uh[1]);
            run(s, UserSql.dropUser(uh[0], uh[1]));
        } catch (SqlErrors.SqlFailure e) {
            if (e.code() != SqlErrors.CANNOT_USER) throw e;
        }
    }
}
