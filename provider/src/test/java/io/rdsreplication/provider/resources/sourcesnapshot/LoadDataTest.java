package io.rdsreplication.provider.resources.sourcesnapshot;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoadDataTest {
    static String text(LoadData.Buffer b) {
        return new String(b.bytes, 0, b.size, StandardCharsets.UTF_8);
    }

    @Test
    void valuesAreEscapedTheSameFromStringsAndFromUtf8Bytes() {
        String tricky = "a\tb\nc\rd\\e\0f\\Ng 'é𝄞日' \u001a";
        LoadData.Buffer fromString = new LoadData.Buffer();
        fromString.value(tricky);
        LoadData.Buffer fromBytes = new LoadData.Buffer();
        fromBytes.escaped(tricky.getBytes(StandardCharsets.UTF_8));
        String want = "a\\tb\\nc\\rd\\\\e\\0f\\\\Ng 'é𝄞日' \u001a";
        assertEquals(want, text(fromString));
        assertEquals(want, text(fromBytes));
    }

    @Test
    void rowsAreTabSeparatedLinesWithNullsHexAndRoundTripDoubles() {
        LoadData.Buffer b = new LoadData.Buffer();
        b.value(null);
        b.tab();
        b.value(new byte[]{0, 9, 10, (byte) 0xff});
        b.tab();
        b.value(0.1 + 0.2);
        b.tab();
        b.value("");
        b.newline();
        assertEquals("\\N\t00090AFF\t0.30000000000000004\t\n", text(b));
    }

    @Test
    void bigValuesGrowTheBuffer() {
        LoadData.Buffer b = new LoadData.Buffer();
        String big = "\t".repeat(3 << 20); // every char escaped: twice its size
        b.value(big);
        assertEquals(6 << 20, b.size);
    }

    @Test
    void statementNamesColumnsAndUnhexesBinaryOnes() {
        assertEquals("LOAD DATA LOCAL INFILE 'rdsreplication-rows' INTO TABLE `d`.`t``x` CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' "
                        + "ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (`id`, @v1, `n`, @v3) SET `b` = UNHEX(@v1), `lb` = UNHEX(@v3)",
                LoadData.statement("d", "t`x", List.of("id", "b", "n", "lb"), List.of("int", "varbinary", "varchar", "LONGBLOB")));
    }

    @Test
    void onlyTypesThatLoadExactlyGoThroughLoadData() {
        assertTrue(LoadData.loadable(List.of("int", "decimal", "double", "varchar", "longblob", "datetime", "json", "enum", "set")));
        assertFalse(LoadData.loadable(List.of("int", "bit")));
        assertFalse(LoadData.loadable(List.of("geometry")));
        assertFalse(LoadData.loadable(List.of("int", "point")));
    }
}
