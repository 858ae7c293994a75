"""Seconds per training step of DeepFinder's 3-D U-Net in PyTorch (Debian's python3-torch), the nearest tool a user has
here to the DeepFinder (TensorFlow/Keras) that Invoke-PickerTraining stands in for: the same layer plan at a width, the
Tversky loss plus cross-entropy, Adam, batches of random patches. Written for this benchmark from the published layer
plan; prints one line: width, patch, batch, steps, threads, seconds per step.

    python3 benchmarks/picker/unet_step.py --width 0.5 --patch 32 --batch 4 --steps 50 --threads 2
"""
import argparse
import time

import torch
import torch.nn.functional as F


def conv(i, o, k):
    return torch.nn.Conv3d(i, o, k, padding="same")


class UNet(torch.nn.Module):
    def __init__(self, width, classes):
        super().__init__()
        a, b, c = (max(1, round(n * width)) for n in (32, 48, 64))
        self.enc1 = torch.nn.ModuleList([conv(1, a, 3), conv(a, a, 3)])
        self.enc2 = torch.nn.ModuleList([conv(a, b, 3), conv(b, b, 3)])
        self.mid = torch.nn.ModuleList([conv(b, c, 3), conv(c, c, 3), conv(c, c, 3), conv(c, c, 3)])
        self.up2 = conv(c, c, 2)
        self.dec2 = torch.nn.ModuleList([conv(c + b, b, 3), conv(b, b, 3)])
        self.up1 = conv(b, b, 2)
        self.dec1 = torch.nn.ModuleList([conv(b + a, a, 3), conv(a, a, 3)])
        self.out = torch.nn.Conv3d(a, classes, 1)
        for m in self.modules():
            if isinstance(m, torch.nn.Conv3d):
                torch.nn.init.xavier_uniform_(m.weight)
                torch.nn.init.zeros_(m.bias)

    @staticmethod
    def run(layers, x):
        for layer in layers:
            x = F.relu(layer(x))
        return x

    def forward(self, x):
        e1 = self.run(self.enc1, x)
        e2 = self.run(self.enc2, F.max_pool3d(e1, 2))
        m = self.run(self.mid, F.max_pool3d(e2, 2))
        d2 = self.run(self.dec2, torch.cat([F.relu(self.up2(F.interpolate(m, scale_factor=2))), e2], 1))
        d1 = self.run(self.dec1, torch.cat([F.relu(self.up1(F.interpolate(d2, scale_factor=2))), e1], 1))
        return self.out(d1)


def loss(logits, labels, classes):
    p = F.softmax(logits, 1)
    g = F.one_hot(labels, classes).permute(0, 4, 1, 2, 3).float()
    dims = (0, 2, 3, 4)
    tp, fp, fn = (p * g).sum(dims), (p * (1 - g)).sum(dims), ((1 - p) * g).sum(dims)
    return classes - ((tp + 1e-6) / (tp + 0.5 * fp + 0.5 * fn + 1e-6)).sum() + F.cross_entropy(logits, labels)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--width", type=float, default=0.5)
    parser.add_argument("--patch", type=int, default=32)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--classes", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.manual_seed(1)
    torch.set_num_threads(args.threads)
    net = UNet(args.width, args.classes)
    adam = torch.optim.Adam(net.parameters(), lr=1e-3)
    shape = (args.batch, 1, args.patch, args.patch, args.patch)
    for step in range(args.steps + 5):
        if step == 5:  # five warm-up steps, untimed
            start = time.perf_counter()
        x = torch.randn(shape)
        y = torch.randint(0, args.classes, (args.batch, args.patch, args.patch, args.patch))
        adam.zero_grad()
        loss(net(x), y, args.classes).backward()
        adam.step()
    seconds = (time.perf_counter() - start) / args.steps
    print(f"pytorch width {args.width} patch {args.patch} batch {args.batch} steps {args.steps} threads {args.threads}: {seconds:.3f} s per step")


if __name__ == "__main__":
    main()
