# msg: plain.eml
# more than sieve_max_actions = 32 stores
require "fileinto";
fileinto "f1"; fileinto "f2"; fileinto "f3"; fileinto "f4"; fileinto "f5";
fileinto "f6"; fileinto "f7"; fileinto "f8"; fileinto "f9"; fileinto "f10";
fileinto "f11"; fileinto "f12"; fileinto "f13"; fileinto "f14"; fileinto "f15";
fileinto "f16"; fileinto "f17"; fileinto "f18"; fileinto "f19"; fileinto "f20";
fileinto "f21"; fileinto "f22"; fileinto "f23"; fileinto "f24"; fileinto "f25";
fileinto "f26"; fileinto "f27"; fileinto "f28"; fileinto "f29"; fileinto "f30";
fileinto "f31"; fileinto "f32"; fileinto "f33";
