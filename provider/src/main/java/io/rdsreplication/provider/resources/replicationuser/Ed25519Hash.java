package io.rdsreplication.provider.resources.replicationuser;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * MariaDB's ed25519 authentication string for a password, computed here so the password itself never goes to
 * the server (where {@code USING PASSWORD('…')} would put it in the general log). The plugin derives an
 * Ed25519 public key with the password as the secret: SHA-512 of the password, the first half clamped as
 * usual, times the base point; stored as base64 without padding (43 characters).
 */
final class Ed25519Hash {
    private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    private static final BigInteger D = BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
    private static final BigInteger D2 = D.shiftLeft(1).mod(P);
    private static final BigInteger BX = new BigInteger("15112221349535400772501151409588531511454012693041857206046113283949847762202");
    private static final BigInteger BY = new BigInteger("46316835694926478169428394003475163141307993866256225615783033603165251855960");

    private Ed25519Hash() {
    }

    /** The authentication string MariaDB stores for this password (what {@code ed25519_password()} returns). */
    static String of(String password) {
        return Base64.getEncoder().withoutPadding().encodeToString(publicKey(password.getBytes(StandardCharsets.UTF_8)));
    }

    /** The Ed25519 public key for a secret of any length (RFC 8032 for a 32-byte secret). */
    static byte[] publicKey(byte[] secret) {
        byte[] h;
        try {
            h = MessageDigest.getInstance("SHA-512").digest(secret);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] a = new byte[32];
        System.arraycopy(h, 0, a, 0, 32);
        a[0] &= (byte) 248;
        a[31] &= 127;
        a[31] |= 64;
        BigInteger scalar = new BigInteger(1, reverse(a));
        BigInteger[] r = multiply(scalar);
        BigInteger zi = r[2].modInverse(P);
        BigInteger x = r[0].multiply(zi).mod(P);
        BigInteger y = r[1].multiply(zi).mod(P);
        byte[] out = new byte[32];
        byte[] yb = reverse(y.toByteArray());
        System.arraycopy(yb, 0, out, 0, Math.min(32, yb.length));
        if (x.testBit(0)) out[31] |= (byte) 0x80;
        return out;
    }

    /** scalar · B in extended coordinates (X, Y, Z, T), by double-and-add with the unified addition. */
    private static BigInteger[] multiply(BigInteger k) {
        BigInteger[] q = {BigInteger.ZERO, BigInteger.ONE, BigInteger.ONE, BigInteger.ZERO};
        BigInteger[] b = {BX, BY, BigInteger.ONE, BX.multiply(BY).mod(P)};
        for (int i = k.bitLength() - 1; i >= 0; i--) {
            q = add(q, q);
            if (k.testBit(i)) q = add(q, b);
        }
        return q;
    }

    /** Addition on -x^2 + y^2 = 1 + d x^2 y^2 (add-2008-hwcd-3); also right for doubling. */
    private static BigInteger[] add(BigInteger[] p, BigInteger[] q) {
        BigInteger a = p[1].subtract(p[0]).multiply(q[1].subtract(q[0])).mod(P);
        BigInteger b = p[1].add(p[0]).multiply(q[1].add(q[0])).mod(P);
        BigInteger c = p[3].multiply(D2).multiply(q[3]).mod(P);
        BigInteger d = p[2].shiftLeft(1).multiply(q[2]).mod(P);
        BigInteger e = b.subtract(a);
        BigInteger f = d.subtract(c);
        BigInteger g = d.add(c);
        BigInteger h = b.add(a);
        return new BigInteger[]{e.multiply(f).mod(P), g.multiply(h).mod(P), f.multiply(g).mod(P), e.multiply(h).mod(P)};
    }

    private static byte[] reverse(byte[] in) {
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++) out[i] = in[in.length - 1 - i];
        return out;
    }
}
