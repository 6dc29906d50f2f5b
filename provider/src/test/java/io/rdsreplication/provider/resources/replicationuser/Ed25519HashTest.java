package io.rdsreplication.provider.resources.replicationuser;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The ed25519 authentication string computed here equals MariaDB's, so the password never goes to the server. */
class Ed25519HashTest {
    @Test
    void rfc8032PublicKeys() {
        HexFormat hex = HexFormat.of();
        assertEquals("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", hex.formatHex(Ed25519Hash.publicKey(
                hex.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))));
        assertEquals("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", hex.formatHex(Ed25519Hash.publicKey(
                hex.parseHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"))));
    }

    @Test
    void mariadbStoresTheSameString() {
        // CREATE USER … IDENTIFIED VIA ed25519 USING PASSWORD('secret') on MariaDB 10.11 stores this (also in its manual)
        assertEquals("ZIgUREUg5PVgQ6LskhXmO+eZLS0nC8be6HPjYWR4YJY", Ed25519Hash.of("secret"));
        assertEquals("G0PxKV12cH/hf4xYTiYy33T0+AY4V96eHDZY+utdSrQ", Ed25519Hash.of("p'w\\xü"));
    }
}
