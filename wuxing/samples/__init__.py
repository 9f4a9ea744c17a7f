"""The shipped 马庄桥镇 sample and synthetic data at county and province scale."""
