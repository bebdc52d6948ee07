"""kefu (客服): a customer-service desk for online shops."""

__version__ = "0.1.0"
