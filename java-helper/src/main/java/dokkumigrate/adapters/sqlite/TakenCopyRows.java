package dokkumigrate.adapters.sqlite;

import dokkumigrate.ledger.TakenCopy;
import dokkumigrate.plan.Phase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code taken_copies} table: what the plugin took out of each deploy's Procfile/app.json copies. */
final class TakenCopyRows {
    private TakenCopyRows() {
    }

    static void insert(Connection c, long deployId, List<TakenCopy> copies) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT OR REPLACE INTO taken_copies (deploy_id, file, original, stripped) VALUES (?, ?, ?, ?)")) {
            for (TakenCopy copy : copies) {
                s.setLong(1, deployId);
                s.setString(2, copy.file().label());
                s.setBytes(3, copy.original().orElse(null));
                s.setBytes(4, copy.stripped().orElse(null));
                s.executeUpdate();
            }
        }
    }

    static List<TakenCopy.Recorded> ofApp(Connection c, String app, Phase.Source file, int limit) throws SQLException {
        List<TakenCopy.Recorded> copies = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT t.deploy_id, d.rolled_out_at IS NOT NULL, t.original, t.stripped FROM taken_copies t "
                        + "JOIN deploys d ON d.id = t.deploy_id WHERE d.app = ? AND t.file = ? "
                        + "ORDER BY t.deploy_id DESC LIMIT ?")) {
            s.setString(1, app);
            s.setString(2, file.label());
            s.setInt(3, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    copies.add(new TakenCopy.Recorded(rs.getLong(1), rs.getBoolean(2), new TakenCopy(file,
                            Optional.ofNullable(rs.getBytes(3)), Optional.ofNullable(rs.getBytes(4)))));
                }
            }
        }
        return copies;
    }
}
