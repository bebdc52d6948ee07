"""Import of the seller center's exports (订单报表 and 宝贝报表), in three parts with plain seams:

- READ (``read``): a file → rows of cells with their line numbers (CSV in GBK/UTF-8/UTF-8 with BOM,
  or .xlsx); knows nothing of orders.
- MAP (``cells``, ``mapping``): rows → the values an order or an order line stores, and the reason
  each bad row is refused, by line number. ``parse`` runs READ and MAP together, here or in a
  helper process (``helper``) beside the writer.
- STORE (``store``, ``bulkload``): mapped rows → bulk upserts; counts created, updated, unchanged.

``importer.import_file`` puts them together for one file; ``report`` is what an import did;
``queue`` hands a recorded import job to the task queue. This package imports no models here, so
the helper process can set Django up first.
"""
