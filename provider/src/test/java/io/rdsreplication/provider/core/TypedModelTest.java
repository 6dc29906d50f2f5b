package io.rdsreplication.provider.core;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The declarations drive decoding, Check, Diff and encoding: one small resource exercises each generic rule. */
class TypedModelTest {
    @SchemaType(token = "test:index:Server", description = "A server.")
    record Server(
            @Prop(value = "Host.", required = true, identity = true) String host,
            @Prop(value = "Port.", defaultValue = "3306", identity = true, min = 1, max = 65535) Integer port,
            @Prop(value = "Password.", secret = true) String password) {
    }

    record Args(
            @Prop("Where.") Server server,
            @Prop(value = "Name.", required = true, replaces = true) String name,
            @Prop(value = "Count.", min = 0, max = 10) Integer count,
            @Prop(value = "Flag.", defaultValue = "false") Boolean flag,
            @Prop("Items.") List<String> items) {
    }

    record State(@Inputs Args inputs, @Prop(value = "Made by the server.", always = true) String made) {
    }

    @SchemaType(token = "test:index:Thing", description = "A thing.")
    static final class Thing extends TypedResource<Void, Args, State> {
        Thing() {
            super(Args.class, State.class, false);
        }

        @Override
        protected void check(Check<Args> c) {
            if ("bad".equals(c.news().name())) c.fail(Args::name, "must not be bad");
        }

        @Override
        protected Created<State> create(Void ctx, Args in, boolean preview) {
            return new Created<>(preview ? "" : "id", new State(in, preview ? null : "yes"));
        }

        @Override
        protected State read(Void ctx, String id, State state, Args inputs) {
            return state;
        }

        @Override
        protected State update(Void ctx, String id, State olds, Args news, boolean preview) {
            return new State(news, olds.made());
        }

        @Override
        protected void delete(Void ctx, String id, State state) {
        }
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void accessorsNameTheirProperty() {
        Getter<Args, Integer> g = Args::count;
        assertEquals("count", g.property());
    }

    @Test
    void everyFailureIsCollectedByPathAndUnknownsAreSkipped() {
        Thing t = new Thing();
        var r = t.check(Props.empty(), new Props(map("server", map("host", 5.0, "port", 70000.0), "name", "bad",
                "count", "many", "items", List.of("a", 1.0))));
        List<String> paths = r.failures().stream().map(CheckFailure::property).sorted().toList();
        assertEquals(List.of("count", "items", "name", "server.host", "server.port"), paths);
        // nothing known yet: nothing to refuse, and no "is required" for what is merely unknown
        r = t.check(Props.empty(), new Props(map("server", Unknown.VALUE, "name", Unknown.VALUE, "items", List.of(Unknown.VALUE))));
        assertEquals(List.of(), r.failures());
        // absent required values are named
        r = t.check(Props.empty(), new Props(map("server", map("port", 1.0))));
        assertEquals(List.of("name", "server.host"), r.failures().stream().map(CheckFailure::property).sorted().toList());
    }

    @Test
    void checkAddsTopLevelDefaultsAndKeepsSecrets() {
        var r = new Thing().check(Props.empty(), new Props(map("name", "n", "server", map("host", "h", "password", new Secret("pw")))));
        assertEquals(false, r.inputs().get("flag"));
        assertInstanceOf(Secret.class, ((Map<?, ?>) r.inputs().get("server")).get("password"));
        Decoded<Args> d = Shape.of(Args.class).decode(r.inputs());
        assertFalse(d.given(Args::count));
        assertEquals(3306, d.value().server().port(), "a nested default is applied on decode");
        assertFalse(d.nested(Args::server).given(Server::port), "a default is not given");
    }

    @Test
    void diffReplacesOnDeclaredPropertiesAndOnIdentityNotOnCredentials() {
        Thing t = new Thing();
        Map<String, Object> old = map("server", map("host", "db1", "password", new Secret("a")), "name", "n", "made", "yes");
        var d = t.diff("id", new Props(old), new Props(map("server", map("host", "DB1", "port", 3306.0, "password", new Secret("b")), "name", "n")));
        assertEquals(Map.of("server.password", DiffResult.Kind.UPDATE), d.detailed(), "same server (case, default port), new password");
        d = t.diff("id", new Props(old), new Props(map("server", map("host", "db2", "password", new Secret("a")), "name", "n")));
        assertEquals(List.of("server.host"), d.replaces());
        d = t.diff("id", new Props(old), new Props(map("server", map("host", "db1", "password", new Secret("a")), "name", "m")));
        assertEquals(List.of("name"), d.replaces());
        d = t.diff("id", new Props(old), new Props(map("server", Unknown.VALUE, "name", "n")));
        assertEquals(List.of("server"), d.replaces(), "a server not known yet may be another one");
        d = t.diff("id", new Props(old), new Props(map("server", map("host", "db1", "password", new Secret("a")), "name", "n")));
        assertFalse(d.hasChanges());
    }

    @Test
    void previewOutputsAreUnknownAndUnknownInputsStayUnknown() {
        var c = new Thing().create(null, new Props(map("name", Unknown.VALUE, "count", 2.0)), true);
        assertEquals(Unknown.VALUE, c.outputs().get("made"));
        assertEquals(Unknown.VALUE, c.outputs().get("name"));
        assertEquals(2.0, c.outputs().get("count"));
        assertEquals(false, c.outputs().get("flag"), "a default applies");
        assertNull(c.outputs().get("items"));
        c = new Thing().create(null, new Props(map("name", "n", "server", map("host", "h", "password", new Secret("pw")))), false);
        assertEquals("yes", c.outputs().get("made"));
        assertTrue(((Map<?, ?>) c.outputs().get("server")).get("password") instanceof Secret, "declared secret stays secret in state");
    }
}
